"""The photo library's focal-point picker, clicked in a real browser."""

import pytest

from articles.models import Photo
from tests.e2e.staff import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_editor_sets_the_focal_point_by_clicking_the_subject(demo, page, shoot):
    photo = Photo.objects.order_by("pk").first()
    log_in(page, demo, "editor")
    page.goto(f"{demo}/admin/articles/photo/{photo.pk}/change/")
    image = page.locator("[data-focal-picker] img")
    image.scroll_into_view_if_needed()
    box = image.bounding_box()
    # Click a quarter of the way across and three quarters down.
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.75)
    assert float(page.locator("#id_focal_x").input_value()) == pytest.approx(0.25, abs=0.01)
    assert float(page.locator("#id_focal_y").input_value()) == pytest.approx(0.75, abs=0.01)
    left, top = page.locator(".focal-marker").evaluate(
        "m => [parseFloat(m.style.left), parseFloat(m.style.top)]"
    )
    shot = shoot(page, "focal-picker")
    assert (left, top) == (pytest.approx(25, abs=1), pytest.approx(75, abs=1)), (
        f"marker not moved, see {shot}"
    )

    page.get_by_role("button", name="Save", exact=True).click()
    page.locator("ul.messagelist").wait_for()
    photo.refresh_from_db()
    assert photo.focal_x == pytest.approx(0.25, abs=0.01)
    assert photo.focal_y == pytest.approx(0.75, abs=0.01)
