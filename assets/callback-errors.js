/* When an update of the page fails (the data is temporarily unavailable, too many requests, an
   internal error), say so in an alert at the top of the page instead of leaving stale content
   silently; clear the alert when an update succeeds again. Dash shows such errors only in debug. */
(function () {
    "use strict";
    var ID = "pp-update-error";
    var FALLBACK = {
        503: "The data is temporarily unavailable. Please try again in a few minutes.",
        429: "Too many requests. Please wait a minute and try again.",
        500: "Sorry, there is a problem with the service. Please try again later."
    };

    function banner() {
        var existing = document.getElementById(ID);
        if (existing) { return existing; }
        var main = document.querySelector("main") || document.body;
        var box = document.createElement("div");
        box.id = ID;
        box.className = "govuk-error-summary";
        box.setAttribute("role", "alert");
        box.setAttribute("tabindex", "-1");
        main.insertBefore(box, main.firstChild);
        return box;
    }

    function show(message) {
        var box = banner();
        box.textContent = "";
        var title = document.createElement("h2");
        title.className = "govuk-error-summary__title";
        title.textContent = "The page could not be updated";
        var body = document.createElement("p");
        body.className = "govuk-body";
        body.textContent = message;
        box.appendChild(title);
        box.appendChild(body);
    }

    function clear() {
        var box = document.getElementById(ID);
        if (box) { box.remove(); }
    }

    function isUpdate(input) {
        var url = typeof input === "string" ? input : (input && input.url) || "";
        return url.indexOf("_dash-update-component") !== -1;
    }

    var original = window.fetch;
    window.fetch = function (input, init) {
        return original.apply(this, arguments).then(function (response) {
            if (!isUpdate(input)) { return response; }
            if (response.ok || response.status === 204) {
                clear();
            } else if (FALLBACK[response.status] || response.status >= 500) {
                response.clone().json().then(function (body) {
                    show((body && body.message) || FALLBACK[response.status] || FALLBACK[500]);
                }, function () {
                    show(FALLBACK[response.status] || FALLBACK[500]);
                });
            }
            return response;
        });
    };
}());
