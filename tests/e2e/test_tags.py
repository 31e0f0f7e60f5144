"""Tag suggestions in the article form, typed in a real browser."""

import pytest

from tests.e2e.staff import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_typing_a_tag_offers_existing_ones_completing_the_whole_value(demo, page, shoot):
    log_in(page, demo, "contributor")
    page.goto(demo + "/admin/articles/article/add/")
    tags = page.locator("#id_tags")
    tags.fill("energy, ")
    tags.press_sequentially("gri")
    options = page.locator("#id_tags-suggestions option")
    options.first.wait_for(state="attached")
    values = options.evaluate_all("os => os.map(o => o.value)")
    shot = shoot(page, "tag-suggestions")
    assert "energy, grids" in values, f"{values}, see {shot}"
