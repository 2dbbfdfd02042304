package io.shipsync.page;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * Serves the status page's login form on {@code GET /login}. It has to be an annotated
 * mapping: the login's {@code POST /login} claims the path among the annotated mappings,
 * which Spring MVC asks first, and a GET would be answered 405 before any view controller
 * for the same path is looked at.
 */
@Controller
class LoginFormController {

    @GetMapping("/login")
    String form() {
        return "forward:/login.html";
    }

}
