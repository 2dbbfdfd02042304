// The server sends a refused login back to /login?failed: say so, and let the person type again at once.
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  if (new URLSearchParams(window.location.search).has('failed')) {
    document.getElementById('failed').hidden = false;
    document.getElementById('token').focus();
  }
});
