"""Titles and slugs: damage from a site export is undone from the body."""

import pytest

from archive.importing.parsed import slug_for
from archive.importing.titles import repair_title

pytestmark = pytest.mark.django_db


def test_a_damaged_title_gets_its_punctuation_and_last_word_back_from_the_body():
    body = (
        "The India-US 2+2 Ministerial Dialogue met again.\n"
        "A shifting geopolitical landscape shapes the landscape of ties."
    )
    title, repairs = repair_title(
        "India Us 22 Ministerial Dialogue Deepening Strategic Partnership In A Shifting "
        "Geopolitical Landscap",
        body,
    )
    assert title == (
        "India-US 2+2 Ministerial Dialogue: Deepening Strategic Partnership in a Shifting "
        "Geopolitical Landscape"
    )
    assert len(repairs) == 4


def test_a_truncated_last_word_is_completed_from_the_body():
    title, _ = repair_title("Quad Partners Weigh a New Partnersh", "The partnership grew.")
    assert title == "Quad Partners Weigh a New Partnership"


def test_a_clean_title_is_left_alone():
    title = "India-US Relations: Major Takeaways from Latest 2+2 Meet"
    assert repair_title(title, "The meet was held. India-us relations improved.") == (title, [])


def test_a_last_word_is_not_completed_into_a_much_longer_word():
    assert repair_title("The Future of the Quad", "The Quadrilateral met.")[0] == (
        "The Future of the Quad"
    )


def test_slugs_spell_out_plus_signs_and_stop_at_a_whole_word():
    assert slug_for("Latest 2+2 Meet") == "latest-2-plus-2-meet"
    slug = slug_for(
        "India-US 2+2 Ministerial Dialogue: Deepening Strategic Partnership in a Shifting "
        "Geopolitical Landscape"
    )
    assert slug == "india-us-2-plus-2-ministerial-dialogue-deepening-strategic-partnership"
