// shipsync's status page: plain JavaScript over the admin API, no framework and no build step, so a newcomer can
// read and change it as it is served. It asks the API every 3 seconds (paused while a dialog is open or the tab is
// hidden) and updates only the cards that changed, so keyboard focus stays where it was.
'use strict';

(() => {
  const POLL_MS = 3000;

  const page = {
    role: null,
    timer: null,
    loaded: false,
    // what the last look showed, to announce what changed since
    seen: { files: new Map(), deadLetters: new Set(), stores: new Map() },
    actionProblem: false,
    discarding: null,
  };

  // ---- small helpers ---------------------------------------------------------------------------------------------

  /** Makes an element; text goes in as text, never as HTML, so names and reasons from files cannot inject markup. */
  function h(tag, attributes, ...children) {
    const element = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => {
      if (value === null || value === undefined || value === false) {
        return;
      }
      element.setAttribute(name, value === true ? '' : String(value));
    });
    children.flat().forEach((child) => {
      if (child !== null && child !== undefined && child !== false) {
        element.append(child instanceof Node ? child : String(child));
      }
    });
    return element;
  }

  const numbers = new Intl.NumberFormat();
  const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  const dayAndClock = new Intl.DateTimeFormat(undefined,
    { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

  function count(n, one, many) {
    return numbers.format(n) + ' ' + (n === 1 ? one : many);
  }

  /** A time in the browser's own locale and zone: the clock alone when it is today. */
  function when(iso) {
    const date = new Date(iso);
    const today = new Date();
    return date.toDateString() === today.toDateString() ? clock.format(date) : dayAndClock.format(date);
  }

  function timeElement(iso) {
    return h('time', { datetime: iso }, when(iso));
  }

  /** "about 21 minutes", "about 1 hour", "less than a minute": an estimate, so rounded the way people say it. */
  function duration(seconds) {
    if (seconds < 45) {
      return 'less than a minute';
    }
    const minutes = Math.max(1, Math.round(seconds / 60));
    if (minutes < 60) {
      return 'about ' + count(minutes, 'minute', 'minutes');
    }
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    return 'about ' + count(hours, 'hour', 'hours') + (rest ? ' ' + count(rest, 'minute', 'minutes') : '');
  }

  /** A store's limit as people say it: 20/min, 2/s, or 20 per 90 s. */
  function rate(maxRequests, periodSeconds) {
    const units = { 1: 's', 60: 'min', 3600: 'h' };
    return units[periodSeconds] ? numbers.format(maxRequests) + '/' + units[periodSeconds]
      : numbers.format(maxRequests) + ' per ' + numbers.format(periodSeconds) + ' s';
  }

  /** The store API's limit ("20 per 1m") in words. */
  function limitInWords(limit) {
    const match = /^(\d+) per (\d+)([smhd])$/.exec(limit || '');
    if (!match) {
      return 'Limit: ' + limit + '.';
    }
    const seconds = Number(match[2]) * { s: 1, m: 60, h: 3600, d: 86400 }[match[3]];
    return 'Limit: ' + rate(Number(match[1]), seconds) + '.';
  }

  // ---- talking to the API ----------------------------------------------------------------------------------------

  class ApiError extends Error {
  }

  /**
   * One call to the admin API with the login cookie. Calls that change something carry X-Requested-With, which a
   * form on another site cannot send: the server refuses them without it.
   */
  async function api(path, options = {}) {
    const method = options.method || 'GET';
    const headers = { Accept: 'application/json' };
    if (method !== 'GET') {
      headers['X-Requested-With'] = 'shipsync';
    }
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    let response;
    try {
      response = await fetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    }
    catch (e) {
      throw new ApiError('shipsync does not answer (' + e.message + '). Is it running? The page tries again every '
        + (POLL_MS / 1000) + ' seconds.');
    }
    if (response.status === 401) {
      // the cookie expired or the token changed: log in again
      window.location.assign('/login');
      throw new ApiError('Your login is no longer valid; log in again.');
    }
    const type = response.headers.get('Content-Type') || '';
    const body = type.includes('json') ? await response.json().catch(() => ({})) : {};
    if (!response.ok) {
      throw new ApiError(body.error || 'shipsync answered ' + response.status + ' to ' + method + ' ' + path + '.');
    }
    return body;
  }

  // ---- announcements and problems --------------------------------------------------------------------------------

  function announce(messages) {
    if (messages.length) {
      // replaced, not appended: a screen reader reads what is new
      document.getElementById('announce').textContent = messages.join(' ');
    }
  }

  function showProblem(message, fromAction) {
    const box = document.getElementById('problem');
    box.textContent = message;
    box.hidden = false;
    page.actionProblem = fromAction;
  }

  function clearProblem(fromAction) {
    // a failed poll's message goes when a poll works again; a failed action's stays until the next action
    if (fromAction || !page.actionProblem) {
      const box = document.getElementById('problem');
      box.hidden = true;
      box.textContent = '';
      page.actionProblem = false;
    }
  }

  // ---- keyed lists: only changed cards are rebuilt ---------------------------------------------------------------

  /**
   * Brings a list in line with items: a card whose data did not change is kept as it is (with focus, if it has it);
   * a changed one is rebuilt, and the control that had focus in it gets it back.
   */
  function reconcile(list, items, keyOf, render) {
    const existing = new Map([...list.children].map((card) => [card.dataset.key, card]));
    let previous = null;
    items.forEach((item) => {
      const key = String(keyOf(item));
      const signature = JSON.stringify(item) + page.role;
      let card = existing.get(key);
      if (!card || card.dataset.signature !== signature) {
        const fresh = render(item);
        fresh.dataset.key = key;
        fresh.dataset.signature = signature;
        if (card) {
          const focused = card.contains(document.activeElement) ? document.activeElement.dataset.focus : null;
          card.replaceWith(fresh);
          const again = focused && fresh.querySelector('[data-focus="' + focused + '"]');
          if (again) {
            again.focus();
          }
        }
        card = fresh;
      }
      existing.delete(key);
      const place = previous ? previous.nextSibling : list.firstChild;
      if (place !== card) {
        list.insertBefore(card, place);
      }
      previous = card;
    });
    existing.forEach((card) => {
      if (card.contains(document.activeElement)) {
        // the card went (replayed, discarded): keep the keyboard in the same section
        const section = list.closest('section');
        if (section) {
          section.setAttribute('tabindex', '-1');
          section.focus();
        }
      }
      card.remove();
    });
  }

  // ---- files -----------------------------------------------------------------------------------------------------

  const OUTCOMES = [
    { field: 'applied', css: 'seg-applied', one: 'applied', many: 'applied', would: 'would be applied' },
    { field: 'unchanged', css: 'seg-unchanged', one: 'unchanged', many: 'unchanged', would: 'would be unchanged' },
    { field: 'rejected', css: 'seg-rejected', one: 'rejected', many: 'rejected', would: 'would be rejected' },
    { field: 'deadLetter', css: 'seg-dead', one: 'dead letter', many: 'dead letters', would: 'would be refused' },
    { field: 'pending', css: 'seg-pending', one: 'pending', many: 'pending', would: 'still to check' },
  ];

  /** The bar's words, the same for eyes and ears: "37 of 40 settled (92 %): 30 applied, 2 unchanged, …". */
  function progressText(file) {
    const rows = file.rows;
    const total = file.progress ? file.progress.total : OUTCOMES.reduce((sum, o) => sum + rows[o.field], 0);
    const settled = file.progress ? file.progress.settled : total - rows.pending;
    const percent = file.progress ? file.progress.percent : (total ? Math.floor(settled * 100 / total) : 100);
    const parts = OUTCOMES.filter((o) => rows[o.field] > 0)
      .map((o) => file.dryRun ? numbers.format(rows[o.field]) + ' ' + o.would
        : count(rows[o.field], o.one, o.many));
    const head = file.dryRun ? numbers.format(settled) + ' of ' + count(total, 'row', 'rows') + ' checked'
      : numbers.format(settled) + ' of ' + numbers.format(total) + ' settled';
    return head + ' (' + percent + ' %)' + (parts.length ? ': ' + parts.join(', ') : '');
  }

  function progressBar(file) {
    const rows = file.rows;
    const total = OUTCOMES.reduce((sum, o) => sum + rows[o.field], 0);
    const text = progressText(file);
    // the segments are drawn for the eyes; the same numbers are written under the bar and given as the
    // progressbar's value text, so nothing depends on seeing colours or patterns
    const bar = h('div', {
      class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': total,
      'aria-valuenow': total - rows.pending, 'aria-valuetext': text, 'aria-label': 'Progress of ' + file.name,
    }, OUTCOMES.filter((o) => rows[o.field] > 0).map((o) => h('span', {
      class: o.css, style: 'flex-grow: ' + rows[o.field], title: count(rows[o.field], o.one, o.many),
    })));
    return [bar, h('p', { class: 'bar-text' }, text)];
  }

  /** "412 updates ahead at 20/min: about 21 minutes, done around 14:52" for one store's queue. */
  function etaForStore(store, seconds) {
    return count(store.updatesAhead, 'update', 'updates') + ' ahead at ' + rate(store.maxRequests, store.periodSeconds)
      + ': ' + duration(seconds) + ', done around ' + when(store.finishesAt);
  }

  function etaSentence(eta) {
    const stores = eta.stores || [];
    if (stores.length === 1) {
      return etaForStore(stores[0], eta.seconds);
    }
    if (stores.length === 0) {
      return count(eta.updatesAhead, 'update', 'updates') + ' ahead: ' + duration(eta.seconds) + ', done around '
        + when(eta.finishesAt);
    }
    // each store has its own limit and its own queue: one sentence each, then when the whole file is done
    return stores.map((s) => s.store + ': ' + etaForStore(s, s.updatesAhead * s.periodSeconds / s.maxRequests))
      .join('; ') + '. All done around ' + when(eta.finishesAt) + '.';
  }

  const FILE_STATES = {
    ingesting: { label: 'being read', css: 'working' },
    ingested: { label: 'taken in', css: 'working' },
    duplicate: { label: 'already received', css: 'duplicate' },
    failed: { label: 'could not be read', css: 'failed' },
  };

  function fileBadge(file) {
    const pending = file.rows && file.rows.pending > 0;
    if (file.state === 'ingested' || file.state === 'duplicate') {
      if (file.report && !pending) {
        return h('span', { class: 'badge done' }, '✓ done');
      }
      if (file.state === 'ingested') {
        return h('span', { class: 'badge working' }, file.dryRun ? '… checking' : '… sending');
      }
    }
    const state = FILE_STATES[file.state] || { label: file.state, css: 'working' };
    return h('span', { class: 'badge ' + state.css }, (state.css === 'failed' ? '✕ ' : '') + state.label);
  }

  function fileCard(file) {
    const meta = ['Received ', timeElement(file.receivedAt)];
    if (file.stores && file.stores.length) {
      meta.push(' · ', file.stores.length === 1 ? 'store ' : 'stores ', file.stores.join(', '));
    }
    return h('li', { class: 'card' + (file.dryRun ? ' dry-run' : ''), 'data-file-id': file.id },
      h('div', { class: 'card-head' }, h('h3', null, file.name), fileBadge(file)),
      h('p', { class: 'meta' }, meta),
      file.state === 'failed' ? h('p', { class: 'reason' }, file.failureReason
        || 'It could not be read as a shipment file.', ' Nothing from it was sent; it is in the failed folder.') : null,
      file.state === 'duplicate' ? h('p', null, 'The same content as file ' + file.duplicateOf
        + ': nothing was sent again. Its report gives the first file\'s outcome for each row.') : null,
      file.rows && file.state !== 'failed' ? progressBar(file) : null,
      file.eta && file.rows && file.rows.pending > 0 ? h('p', { class: 'eta' }, etaSentence(file.eta)) : null,
      file.report ? h('p', null, h('a', {
        href: '/api/files/' + file.id + '/report', download: file.report.name, 'data-focus': 'report-' + file.id,
      }, 'Download the report'), ' ', h('span', { class: 'meta' }, '(' + file.report.name + ')')) : null);
  }

  // ---- dead letters ----------------------------------------------------------------------------------------------

  function whereFrom(letter) {
    if (letter.file && letter.file.name) {
      return 'from ' + letter.file.name + (letter.file.line ? ', line ' + letter.file.line : '');
    }
    return letter.sourceRef ? 'from ' + letter.sourceRef : 'from ' + (letter.source || 'shipsync');
  }

  function whatFor(letter) {
    return 'Order ' + (letter.orderId || '(unknown)') + (letter.status ? ' → ' + letter.status : '');
  }

  function deadLetterCard(letter) {
    const actions = page.role === 'admin' ? h('div', { class: 'actions' },
      h('button', {
        type: 'button', class: 'primary', 'data-action': 'replay', 'data-id': letter.id,
        'data-focus': 'replay-' + letter.id, 'aria-label': 'Replay dead letter ' + letter.id + ', ' + whatFor(letter),
      }, 'Replay'),
      h('button', {
        type: 'button', class: 'danger', 'data-action': 'discard', 'data-id': letter.id,
        'data-focus': 'discard-' + letter.id, 'data-what': whatFor(letter) + ', ' + whereFrom(letter),
        'aria-label': 'Discard dead letter ' + letter.id + ', ' + whatFor(letter),
      }, 'Discard…')) : null;
    return h('li', { class: 'card dead-letter', 'data-dead-letter-id': letter.id, 'data-order': letter.orderId },
      h('div', { class: 'card-head' }, h('h3', null, whatFor(letter)),
        h('span', { class: 'badge failed' }, '✕ needs you')),
      h('p', { class: 'reason' }, letter.reason),
      h('p', { class: 'meta' }, 'Dead letter ' + letter.id + ' · store ' + letter.store + ' · ' + whereFrom(letter)
        + ' · since ', timeElement(letter.createdAt)),
      actions);
  }

  function handledCard(letter) {
    const done = letter.state === 'replayed'
      ? ['↻ Replayed ', timeElement(letter.replayedAt), ': sent again through the queue.']
      : ['⊘ Discarded ', timeElement(letter.discardedAt), ': ', letter.discardReason || ''];
    return h('li', { class: 'card', 'data-dead-letter-id': letter.id, 'data-state': letter.state },
      h('p', null, h('strong', null, whatFor(letter)), ' · ', whereFrom(letter)),
      h('p', { class: 'meta' }, done));
  }

  // ---- stores ----------------------------------------------------------------------------------------------------

  const STORE_STATES = {
    running: { symbol: '✓', label: 'Running' },
    paused: { symbol: '‖', label: 'Paused' },
    'platform-unavailable': { symbol: '✕', label: 'Platform unavailable' },
    'rate-limited': { symbol: '…', label: 'Rate-limited' },
  };

  function storeCard(store) {
    const state = STORE_STATES[store.state] || { symbol: '?', label: store.state };
    const until = store.until ? [store.state === 'platform-unavailable' ? ', next try ' : ' until ',
      timeElement(store.until)] : [];
    return h('li', { class: 'card', 'data-store': store.name },
      h('div', { class: 'card-head' }, h('h3', null, store.name), h('span', { class: 'meta' }, store.platform)),
      h('p', { class: 'state ' + store.state }, state.symbol + ' ' + state.label, until),
      store.reason ? h('p', null, store.reason) : null,
      h('p', { class: 'meta' }, store.pending > 0
        ? [count(store.pending, 'update', 'updates') + ' waiting, the oldest since ', timeElement(store.oldestPendingSince),
          '.']
        : 'Nothing waiting.', store.statusUpdates ? ' ' + limitInWords(store.statusUpdates) : ''),
      store.state === 'paused' && page.role === 'admin' ? h('div', { class: 'actions' }, h('button', {
        type: 'button', 'data-action': 'resume', 'data-store': store.name, 'data-focus': 'resume-' + store.name,
        'aria-label': 'Resume store ' + store.name + ' (once its API key is fixed)',
      }, 'Resume')) : null);
  }

  // ---- one look at everything ------------------------------------------------------------------------------------

  function summary(files, letters, stores) {
    const parts = [];
    parts.push(letters.total ? count(letters.total, 'dead letter needs you', 'dead letters need you') + '.'
      : 'No dead letter: nothing needs you.');
    const draining = files.filter((f) => f.rows && f.rows.pending > 0);
    if (draining.length) {
      const last = draining.map((f) => f.eta && f.eta.finishesAt).filter(Boolean)
        .sort((a, b) => new Date(a) - new Date(b)).pop();
      parts.push(count(draining.length, 'file is', 'files are') + ' being sent'
        + (last ? ', all done around ' + when(last) : '') + '.');
    }
    // a rate-limited store is only keeping to its limit, which the ETA already counts: not worth a warning here
    stores.filter((s) => s.state === 'paused' || s.state === 'platform-unavailable')
      .forEach((s) => parts.push('Store ' + s.name + ' is ' + (STORE_STATES[s.state] || { label: s.state }).label
        .toLowerCase() + '.'));
    return parts.join(' ');
  }

  /** What changed since the last look, in a sentence each, for the live region. */
  function changes(files, letters, stores) {
    const messages = [];
    const seen = page.seen;
    files.forEach((f) => {
      const before = seen.files.get(f.id);
      const finished = f.report && !(f.rows && f.rows.pending);
      if (page.loaded && before === undefined) {
        messages.push(f.name + ' received.');
      }
      else if (page.loaded && finished && before === false) {
        messages.push(f.name + ' is done: ' + progressText(f) + '. The report is ready.');
      }
      seen.files.set(f.id, Boolean(finished));
    });
    const open = new Set(letters.map((l) => l.id));
    letters.filter((l) => page.loaded && !seen.deadLetters.has(l.id))
      .forEach((l) => messages.push('New dead letter: ' + whatFor(l) + '. ' + l.reason));
    seen.deadLetters = open;
    stores.forEach((s) => {
      const before = seen.stores.get(s.name);
      if (page.loaded && before !== undefined && before !== s.state) {
        messages.push('Store ' + s.name + ' is now ' + (STORE_STATES[s.state] || { label: s.state }).label
          .toLowerCase() + (s.reason ? ': ' + s.reason : '.'));
      }
      seen.stores.set(s.name, s.state);
    });
    return messages;
  }

  function showList(listId, emptyId, items, keyOf, render) {
    reconcile(document.getElementById(listId), items, keyOf, render);
    if (emptyId) {
      document.getElementById(emptyId).hidden = items.length > 0;
    }
  }

  async function refresh() {
    clearTimeout(page.timer);
    if (document.getElementById('discard-dialog').open || document.hidden) {
      // a dialog is open, or nobody is looking: ask again later rather than change the page under the person
      page.timer = setTimeout(refresh, POLL_MS);
      return;
    }
    try {
      const [files, dryRuns, letters, recent, stores] = await Promise.all([
        api('/api/files?size=50'),
        api('/api/files?dryRun=true&size=20'),
        api('/api/dead-letters?state=open&size=100'),
        api('/api/dead-letters?state=all&size=10'),
        api('/api/stores'),
      ]);
      // filtered here as well, so a server that ignores dryRun never shows a file twice
      const real = files.items.filter((f) => !f.dryRun);
      const checks = dryRuns.items.filter((f) => f.dryRun);
      const handled = recent.items.filter((l) => l.state !== 'open');
      announce(changes(real, letters.items, stores));
      document.getElementById('summary').textContent = summary(real, letters, stores)
        + (letters.total > letters.items.length ? ' Showing the newest ' + letters.items.length + '.' : '');
      showList('dead-letters', 'dead-letters-empty', letters.items, (l) => l.id, deadLetterCard);
      showList('handled', null, handled, (l) => l.id, handledCard);
      document.getElementById('handled-box').hidden = handled.length === 0;
      showList('files', 'files-empty', real, (f) => f.id, fileCard);
      showList('stores', null, stores, (s) => s.name, storeCard);
      showList('dry-runs', 'dry-runs-empty', checks, (f) => f.id, fileCard);
      page.loaded = true;
      document.body.dataset.loaded = 'true';
      clearProblem(false);
    }
    catch (e) {
      if (!page.actionProblem) {
        showProblem(e.message, false);
      }
    }
    page.timer = setTimeout(refresh, POLL_MS);
  }

  // ---- actions ---------------------------------------------------------------------------------------------------

  async function act(button, work) {
    button.disabled = true;
    try {
      const message = await work();
      clearProblem(true);
      announce([message]);
      await refresh();
    }
    catch (e) {
      showProblem(e.message, true);
    }
    finally {
      button.disabled = false;
    }
  }

  function replay(button) {
    const id = button.dataset.id;
    return act(button, async () => {
      const letter = await api('/api/dead-letters/' + id + '/replay', { method: 'POST' });
      return 'Dead letter ' + id + ' replayed: ' + whatFor(letter) + ' goes back to the queue.';
    });
  }

  function resume(button) {
    const name = button.dataset.store;
    return act(button, async () => {
      const store = await api('/api/stores/' + encodeURIComponent(name) + '/resume', { method: 'POST' });
      return 'Store ' + name + ' resumed: it is ' + (STORE_STATES[store.state] || { label: store.state }).label
        .toLowerCase() + '.';
    });
  }

  function openDiscard(button) {
    const dialog = document.getElementById('discard-dialog');
    page.discarding = button;
    document.getElementById('discard-what').textContent = button.dataset.what;
    document.getElementById('discard-reason').value = '';
    document.getElementById('discard-error').hidden = true;
    dialog.showModal();
    document.getElementById('discard-reason').focus();
  }

  async function confirmDiscard(event) {
    event.preventDefault();
    const reasonField = document.getElementById('discard-reason');
    const error = document.getElementById('discard-error');
    const reason = reasonField.value.trim();
    if (!reason) {
      error.textContent = 'Write why, so others know what happened to this row.';
      error.hidden = false;
      reasonField.focus();
      return;
    }
    const button = page.discarding;
    const confirm = document.getElementById('discard-confirm');
    confirm.disabled = true;
    try {
      const letter = await api('/api/dead-letters/' + button.dataset.id + '/discard',
        { method: 'POST', body: { reason } });
      document.getElementById('discard-dialog').close();
      clearProblem(true);
      announce(['Dead letter ' + letter.id + ' discarded: ' + whatFor(letter) + '. Nothing will be sent for it.']);
    }
    catch (e) {
      error.textContent = e.message;
      error.hidden = false;
    }
    finally {
      confirm.disabled = false;
    }
  }

  // ---- start -----------------------------------------------------------------------------------------------------

  async function start() {
    try {
      const session = await api('/api/session');
      page.role = session.role;
    }
    catch (e) {
      // without knowing the role, show no buttons that could be refused
      page.role = 'viewer';
      showProblem(e.message, false);
    }
    document.getElementById('who').textContent = page.role === 'admin'
      ? 'Logged in as admin: you can replay and discard.'
      : 'Logged in as viewer: you can see everything; an admin replays and discards.';
    document.body.dataset.role = page.role;

    document.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-action]');
      if (!button || button.disabled) {
        return;
      }
      ({ replay, discard: openDiscard, resume })[button.dataset.action](button);
    });
    document.getElementById('discard-form').addEventListener('submit', confirmDiscard);
    document.getElementById('discard-cancel').addEventListener('click',
      () => document.getElementById('discard-dialog').close());
    document.getElementById('discard-dialog').addEventListener('close', () => {
      // back to where the person was, and to live updates at once
      if (page.discarding && page.discarding.isConnected) {
        page.discarding.focus();
      }
      page.discarding = null;
      refresh();
    });
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) {
        refresh();
      }
    });
    refresh();
  }

  document.addEventListener('DOMContentLoaded', start);
})();
