package io.shipsync.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Who gets through to the admin API. */
class AdminTokenFilterTest {

    static final String TOKEN = "a-long-random-admin-token";

    @Test
    void refuses_every_call_while_no_token_is_configured_even_one_that_sends_a_token() throws Exception {
        MockHttpServletResponse response = call(new AdminProperties(""), "Bearer ");

        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(response.getContentAsString()).isEqualTo(
                "{\"error\":\"The admin API is off: set shipsync.admin.token (SHIPSYNC_ADMIN_TOKEN) to use it.\"}");
    }

    @Test
    void lets_the_configured_bearer_token_through_in_any_case_of_the_scheme() throws Exception {
        var chain = new MockFilterChain();
        var request = new MockHttpServletRequest("GET", "/api/stores");
        request.addHeader("Authorization", "bearer " + TOKEN);

        new AdminTokenFilter(new AdminProperties(TOKEN), new ObjectMapper()).doFilter(request,
                new MockHttpServletResponse(), chain);

        assertThat(chain.getRequest()).isSameAs(request);
    }

    @Test
    void refuses_a_token_that_only_starts_like_the_configured_one() throws Exception {
        assertThat(call(new AdminProperties(TOKEN), "Bearer " + TOKEN + "x").getStatus()).isEqualTo(401);
        assertThat(call(new AdminProperties(TOKEN), "Bearer " + TOKEN.substring(1)).getStatus()).isEqualTo(401);
        assertThat(call(new AdminProperties(TOKEN), "Basic " + TOKEN).getStatus()).isEqualTo(401);
    }

    @Test
    void never_shows_the_token_in_its_description() {
        assertThat(new AdminProperties(TOKEN).toString()).doesNotContain(TOKEN).contains("(set)");
    }

    private static MockHttpServletResponse call(AdminProperties properties, String authorization) throws Exception {
        var request = new MockHttpServletRequest("GET", "/api/stores");
        request.addHeader("Authorization", authorization);
        var response = new MockHttpServletResponse();
        var chain = new MockFilterChain();
        new AdminTokenFilter(properties, new ObjectMapper()).doFilter(request, response, chain);
        assertThat(chain.getRequest()).as("the call must not reach the API").isNull();
        return response;
    }

}
