import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_long_label_never_runs_into_the_next_one(live_server, page, territory_a, language):
    # "Inter-municipal bodies" takes two lines at 1280 px in English.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.context.add_cookies([{"name": "django_language", "value": language,
                               "url": live_server.url}])
    page.goto(f"{live_server.url}/territoires/{territory_a.slug}/")
    # The space between the text of a label and the text of the next one (a dt's own box
    # stretches to its row).
    gaps = page.evaluate("""() => {
      const text = (label) => {
        const range = document.createRange();
        range.selectNodeContents(label);
        return range.getBoundingClientRect();
      };
      const labels = [...document.querySelectorAll("main dl dt")].map(text);
      return labels.slice(1).map((label, index) => label.top - labels[index].bottom);
    }""")
    assert len(gaps) == 7  # eight labels, the steward collective's included
    assert min(gaps) >= 10  # the 8 px between rows, not just the leading (5 px)
