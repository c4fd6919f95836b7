/* Which plotly.js dcc.Graph loads (vendor/plotly_finance/__init__.py). dcc.Graph fetches plotly.js, when
   a page draws its first graph, from window._dashPlotlyJSURL, which Dash's renderer sets to plotly.py's
   full bundle. The page's <meta name="plotly-js"> names the partial bundle the app serves instead; here
   it becomes that URL for good (the renderer's own assignment is ignored). A file, not an inline
   script, for the Content-Security-Policy; Dash loads assets before its renderer. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="plotly-js"]');
  if (!meta) return;
  var url = meta.getAttribute("content");
  Object.defineProperty(window, "_dashPlotlyJSURL", {
    configurable: true,
    get: function () { return url; },
    set: function () {}
  });
})();
