"""Dash component trees as plain HTML (components.static_html), read back with an HTML parser."""
from html.parser import HTMLParser

import plotly.graph_objects as go
from dash import dcc, html

from components.static_html import Forms, render, text_of


class Tree(HTMLParser):
    """Every start tag as (tag, attributes), and all the text, as a browser would read them."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.text, self.depth, self.max_depth = [], [], 0, 0
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in ("input", "br", "img", "hr"):
            self.depth += 1
            self.max_depth = max(self.max_depth, self.depth)

    def handle_endtag(self, tag):
        self.depth -= 1

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag):
        return [attrs for t, attrs in self.tags if t == tag]


def test_text_and_attributes_are_escaped():
    hostile = 'Tom & "Jerry" <script>alert(1)</script>'
    markup = render(html.P(hostile, id='a"b', title="x > y & z", className="<c>"))
    assert "<script>" not in markup
    assert markup == ('<p id="a&quot;b" class="&lt;c&gt;" title="x &gt; y &amp; z">'
                      'Tom &amp; &quot;Jerry&quot; &lt;script&gt;alert(1)&lt;/script&gt;</p>')
    tree = Tree(markup)
    assert tree.tags == [("p", {"id": 'a"b', "title": "x > y & z", "class": "<c>"})]
    assert "".join(tree.text) == hostile


def test_nesting_numbers_and_empty_children():
    markup = render(html.Table([html.Caption("Figures"), html.Tbody([
        html.Tr([html.Th("Year", scope="row"), html.Td(1234.0, colSpan=2), html.Td(0.5), html.Td(None),
                 html.Td([False, "a", None, 7, float("nan")])])])]))
    assert markup == ('<table><caption>Figures</caption><tbody><tr><th scope="row">Year</th>'
                      '<td colspan="2">1234</td><td>0.5</td><td></td><td>a7</td></tr></tbody></table>')


def test_links_and_aria_and_data_attributes():
    markup = render(html.Nav([
        html.A("Services", href="/?q=a&sort=name", className="govuk-link", download=""),
        dcc.Link("Compare", href="/compare?services=a,b", className="pp-link", refresh=True),
    ], **{"aria-label": "Menu", "aria-hidden": False, "data-value": 1.5}))
    tree = Tree(markup)
    assert tree.all("nav") == [{"aria-label": "Menu", "aria-hidden": "false", "data-value": "1.5"}]
    assert tree.all("a") == [{"href": "/?q=a&sort=name", "class": "govuk-link", "download": ""},
                             {"href": "/compare?services=a,b", "class": "pp-link"}]
    assert 'href="/?q=a&amp;sort=name"' in markup


def test_no_script_gets_through_links_or_handlers():
    markup = render(html.Div([html.A("x", href=" JavaScript:alert(1)"), html.A("y", href="/fine"),
                              html.Script("alert(1)")], **{"data-onclick": "kept as data"}))
    assert Tree(markup).all("a") == [{}, {"href": "/fine"}]
    assert "script" not in markup.lower()
    assert 'data-onclick="kept as data"' in markup


def test_style_booleans_and_void_elements():
    markup = render(html.Details([html.Summary("More"), html.Br(), html.Img(src="/a.png", alt="A")],
                                 open=True, hidden=False, style={"marginTop": 10, "opacity": 0.5, "zIndex": 2}))
    tree = Tree(markup)
    assert [t for t, _ in tree.tags] == ["details", "summary", "br", "img"]
    assert tree.all("details") == [{"open": None, "style": "margin-top: 10px; opacity: 0.5; z-index: 2"}]
    assert tree.all("img") == [{"src": "/a.png", "alt": "A"}]
    assert "<summary>More</summary><br><img " in markup and markup.endswith("></details>")
    assert "</br>" not in markup and "</img>" not in markup and "hidden" not in markup


def test_pattern_matching_ids_and_callback_props_are_left_out():
    markup = render(html.Div("x", id={"type": "row", "index": 1}, n_clicks=3, disable_n_clicks=True))
    assert markup == "<div>x</div>"


def test_what_needs_javascript_is_left_out_but_text_stays():
    figure = go.Figure(go.Bar(x=["a"], y=[1]))
    markup = render(html.Section([
        html.H2("Chart", id="t"),
        html.Div(dcc.Graph(id="g", figure=figure), role="img", **{"aria-labelledby": "t"}),
        dcc.Store(id="s", data={"a": 1}), dcc.Interval(id="i"),
        html.Button(["Sort by name", html.Span(" ▲")], id={"type": "sort", "column": "name"}, n_clicks=0),
        dcc.Loading(html.P("inside")),
    ]))
    assert markup == '<section><h2 id="t">Chart</h2>Sort by name<span> ▲</span><p>inside</p></section>'


def test_markdown_is_its_escaped_text():
    markup = render(dcc.Markdown("First <b>line</b>\n\nSecond", id="m"))
    assert markup == '<div id="m"><p>First &lt;b&gt;line&lt;/b&gt;</p><p>Second</p></div>'


def test_controls_become_get_forms_keeping_the_other_query_arguments():
    forms = Forms({"period": "period", "pick": "services", "mode": "mode", "year-before": "compare"},
                  {"period": "2016-09", "q": 'a "b"', "services": ["x", "y"]})
    markup = render(html.Div([
        dcc.Dropdown(id="period", options=[{"label": "Year to <Sept>", "value": "2017-09"},
                                           {"label": "Year to June", "value": "2017-06"}], value="2017-06"),
        dcc.Dropdown(id="pick", options={"x": "X", "y": "Y", "z": "Z"}, value=["x", "y"], multi=True),
        dcc.RadioItems(id="mode", options=["number", "percent"], value="percent"),
        dcc.Checklist(id="year-before", options=[{"label": "A year before", "value": "year-before"}], value=[]),
    ]), forms)
    tree = Tree(markup)
    assert len(tree.all("form")) == 4 and all(f == {"method": "get", "class": "pp-static-form"}
                                               for f in tree.all("form"))
    assert tree.all("select") == [{"id": "period", "name": "period", "class": "govuk-select"},
                                  {"id": "pick", "name": "services", "class": "govuk-select", "multiple": None}]
    options = tree.all("option")
    assert [o.get("value") for o in options if "selected" in o] == ["2017-06", "x", "y"]
    assert "Year to <Sept>" in "".join(tree.text)
    hidden = [(i["name"], i["value"]) for i in tree.all("input") if i.get("type") == "hidden"]
    # the period form keeps q and both services; the services form keeps period and q
    assert hidden[:3] == [("q", 'a "b"'), ("services", "x"), ("services", "y")]
    assert hidden[3:5] == [("period", "2016-09"), ("q", 'a "b"')]
    radios = [i for i in tree.all("input") if i.get("type") == "radio"]
    assert [(r["name"], r["value"], "checked" in r) for r in radios] == [("mode", "number", False),
                                                                         ("mode", "percent", True)]
    boxes = [i for i in tree.all("input") if i.get("type") == "checkbox"]
    assert [(b["name"], "checked" in b) for b in boxes] == [("compare", False)]


def test_a_control_without_a_query_argument_shows_its_value():
    markup = render([dcc.Dropdown(id="scope", options=[{"label": "All of government", "value": "all"},
                                                       {"label": "DfT", "value": "department:dft"}],
                                  value="department:dft"),
                     dcc.Input(id="search", value="tax & <duty>")])
    assert markup == ('<p id="scope" class="govuk-body pp-static-value">DfT</p>'
                      '<p id="search" class="govuk-body pp-static-value">tax &amp; &lt;duty&gt;</p>')


def test_replace_swaps_components_at_any_depth():
    def replace(component):
        if getattr(component, "id", None) == "content":  # like the pages' content, filled in
            return html.Div([html.P("page"), html.Button("Sort", id="sort", className="govuk-button")], id="content")
        if getattr(component, "id", None) == "sort":  # like a sort button, made a link
            return html.A(component.children, href="/?sort=name")
        return None
    assert render(html.Main(html.Div(id="content")), replace=replace) == \
        '<main><div id="content"><p>page</p><a href="/?sort=name">Sort</a></div></main>'


def test_text_of():
    assert text_of(html.Span(["a", html.B(2.0), None, True, "c"])) == "a2c"
