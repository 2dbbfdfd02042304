package io.shipsync.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Who gets through to the admin API. */
class AdminTokenFilterTest {

    static final String TOKEN = "a-long-random-admin-token";

    static final String VIEWER = "a-long-random-viewer-token";

    @Test
    void refuses_every_call_while_no_token_is_configured_even_one_that_sends_a_token() throws Exception {
        MockHttpServletResponse response = call(new AdminProperties("", ""), "Bearer ");

        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(response.getContentAsString()).isEqualTo(
                "{\"error\":\"The admin API is off: set shipsync.admin.token (SHIPSYNC_ADMIN_TOKEN) to use it.\"}");
    }

    @Test
    void lets_the_configured_bearer_token_through_in_any_case_of_the_scheme() throws Exception {
        var chain = new MockFilterChain();
        var request = new MockHttpServletRequest("GET", "/api/stores");
        request.addHeader("Authorization", "bearer " + TOKEN);

        new AdminTokenFilter(new AdminProperties(TOKEN, VIEWER), new ObjectMapper()).doFilter(request,
                new MockHttpServletResponse(), chain);

        assertThat(chain.getRequest()).isSameAs(request);
    }

    @Test
    void refuses_a_token_that_only_starts_like_the_configured_one() throws Exception {
        assertThat(call(new AdminProperties(TOKEN, VIEWER), "Bearer " + TOKEN + "x").getStatus()).isEqualTo(401);
        assertThat(call(new AdminProperties(TOKEN, VIEWER), "Bearer " + TOKEN.substring(1)).getStatus()).isEqualTo(401);
        assertThat(call(new AdminProperties(TOKEN, VIEWER), "Basic " + TOKEN).getStatus()).isEqualTo(401);
    }

    @Test
    void never_shows_the_tokens_in_its_description() {
        assertThat(new AdminProperties(TOKEN, VIEWER).toString()).doesNotContain(TOKEN)
            .doesNotContain(VIEWER)
            .contains("(set)");
    }

    @Test
    void lets_the_viewer_token_read_but_not_act() throws Exception {
        var read = new MockHttpServletRequest("GET", "/api/files");
        read.addHeader("Authorization", "Bearer " + VIEWER);
        var chain = new MockFilterChain();
        new AdminTokenFilter(new AdminProperties(TOKEN, VIEWER), new ObjectMapper()).doFilter(read,
                new MockHttpServletResponse(), chain);

        MockHttpServletResponse act = call("POST", "/api/dead-letters/1/replay", "Bearer " + VIEWER, null, null);

        assertThat(chain.getRequest()).isSameAs(read);
        assertThat(act.getStatus()).isEqualTo(403);
        assertThat(act.getContentAsString()).contains("The viewer token may only look");
    }

    @Test
    void takes_the_login_cookie_but_a_change_made_with_it_must_come_from_the_page() throws Exception {
        var chain = new MockFilterChain();
        var fromPage = new MockHttpServletRequest("POST", "/api/dead-letters/1/replay");
        fromPage.setCookies(new Cookie("shipsync_token", TOKEN));
        fromPage.addHeader("X-Requested-With", "shipsync");
        new AdminTokenFilter(new AdminProperties(TOKEN, VIEWER), new ObjectMapper()).doFilter(fromPage,
                new MockHttpServletResponse(), chain);

        MockHttpServletResponse fromElsewhere = call("POST", "/api/dead-letters/1/replay", null,
                new Cookie("shipsync_token", TOKEN), null);
        MockHttpServletResponse expired = call("GET", "/api/files", null, new Cookie("shipsync_token", "old"), null);

        assertThat(chain.getRequest()).isSameAs(fromPage);
        assertThat(fromElsewhere.getStatus()).isEqualTo(403);
        assertThat(fromElsewhere.getContentAsString()).contains("must come from the status page");
        assertThat(expired.getStatus()).isEqualTo(401);
        assertThat(expired.getContentAsString()).contains("log in again");
    }

    private static MockHttpServletResponse call(AdminProperties properties, String authorization) throws Exception {
        return call("GET", "/api/stores", authorization, null, properties);
    }

    private static MockHttpServletResponse call(String method, String path, String authorization, Cookie cookie,
            AdminProperties properties) throws Exception {
        var request = new MockHttpServletRequest(method, path);
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        if (cookie != null) {
            request.setCookies(cookie);
        }
        var response = new MockHttpServletResponse();
        var chain = new MockFilterChain();
        new AdminTokenFilter(properties != null ? properties : new AdminProperties(TOKEN, VIEWER), new ObjectMapper())
            .doFilter(request, response, chain);
        assertThat(chain.getRequest()).as("the call must not reach the API").isNull();
        return response;
    }

}
