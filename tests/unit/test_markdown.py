"""Markdown descriptions are rendered and sanitised by one helper with an allow-list."""

import re

from markupsafe import Markup

from seqf.markdown import render_markdown


def test_renders_basic_markdown():
    html = render_markdown("Hello **world** and *you*\n\n- one\n- two")
    assert isinstance(html, Markup)
    assert "<strong>world</strong>" in html and "<em>you</em>" in html
    assert "<ul>" in html and "<li>one</li>" in html


def test_script_tags_and_their_content_are_removed():
    html = render_markdown("Before <script>alert('x')</script> after\n\n<style>body{}</style>")
    assert "<script" not in html and "alert" not in html and "<style" not in html


def test_javascript_links_lose_their_target():
    html = render_markdown("[click](javascript:alert(1)) <a href=\"javascript:alert(2)\">x</a>")
    assert "javascript:" not in html


def test_event_handlers_and_images_are_removed():
    html = render_markdown('<img src=x onerror="alert(1)"> <p onclick="alert(2)">text</p> <iframe src="x"></iframe>')
    assert "onerror" not in html and "onclick" not in html and "<img" not in html and "<iframe" not in html
    assert "text" in html


def test_links_get_safe_rel():
    html = render_markdown("[NAV](https://www.nav.no \"NAV\")")
    assert 'href="https://www.nav.no"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert 'title="NAV"' in html


def test_headings_start_at_h3():
    html = render_markdown("# Big\n\n## Smaller")
    assert "<h1" not in html and "<h2" not in html
    assert "<h3>Big</h3>" in html and "<h4>Smaller</h4>" in html


def test_tables_and_code_are_kept():
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n```\n<b>code</b>\n```")
    assert "<table>" in html and "<td>1</td>" in html
    assert "&lt;b&gt;code&lt;/b&gt;" in html


def test_empty_text():
    assert render_markdown(None) == Markup("")
    assert render_markdown("") == Markup("")


def test_headings_never_skip_a_level_and_start_at_h3():
    html = str(render_markdown("## Handlingsplan\n\n#### Mål 1\n\ntekst\n\n# Annet\n\n###### Detalj"))
    assert [int(n) for n in re.findall(r"<h(\d)>", html)] == [3, 4, 3, 4]
    assert html.count("</h4>") == 2 and html.count("</h3>") == 2


def test_the_reused_parser_carries_nothing_from_one_text_to_the_next():
    """``render_markdown`` reuses one parser per thread, reset before each text."""
    first = "# A\n\n## B\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```"
    plain = "Bare tekst med *vekt*."
    alone = str(render_markdown(plain))
    assert str(render_markdown(first)) == str(render_markdown(first))
    assert str(render_markdown(plain)) == alone == "<p>Bare tekst med <em>vekt</em>.</p>"
