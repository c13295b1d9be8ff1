"""Front lines: the places where fighting was reported, period by period (sized by reports, named, those new
against the period before marked), with a play button that steps through the periods."""
import time

import streamlit as st

from atlas_app import filters, layers, mapview, periods, site, tables, ui
from atlas_app.style import plural
from atlas_app.links import md_escape
from geo.store.queries import EventQuery

PLAYING = "front_playing"        # session state: the periods are playing
MOVED = "front_moved"            # … and when the period shown (SHOWN) was first shown
SHOWN = "front_shown"
STEP_SECONDS = 2.5               # a period's time on screen while playing


def _play(options: dict, period: str) -> None:
    st.session_state[PLAYING], st.session_state[MOVED] = True, time.monotonic()
    start = periods.play_from(options, period)
    if start != period:
        filters.set_param("period", start)


def _pause() -> None:
    st.session_state[PLAYING] = False


def _tick(options: dict, period: str) -> None:
    """One tick of the play (the fragment's ``run_every``): once the period has been shown its time, the next
    one in the URL (so a link shared while playing opens on the period shown) and the whole page redrawn for it;
    after the last the play stops. A tick that comes early (the page was just redrawn) does nothing."""
    if time.monotonic() - st.session_state.get(MOVED, 0.0) < STEP_SECONDS * 0.8:
        return
    following = periods.step(options, period)
    if following is None:
        st.session_state[PLAYING] = False
    else:
        filters.set_param("period", following)
        st.session_state[MOVED] = time.monotonic()
    st.rerun(scope="app")


page = ui.start(site.FRONT_LINES)
first, last = page.ask("span", page.query)
options = periods.choices(first, last)        # values as the URL gives them (2019-04), labels as read (Apr 2019)
playable = not page.present and len(options) > 2
slider, button = st.columns([8, 1], vertical_alignment="bottom") if playable else (st, None)
period, notes = filters.page_choice("period", "Period", options, "all", widget="select_slider", where=slider,
                                    hidden=page.present, what="month (YYYY-MM) of these events",
                                    help="Step through the months of fighting, or press play.")
page.note(notes)
playing = playable and bool(st.session_state.get(PLAYING))
if st.session_state.get(SHOWN) != period:      # a period picked on the slider (or a link) gets its full time too
    st.session_state[SHOWN], st.session_state[MOVED] = period, time.monotonic()
if button is not None:
    if playing:
        button.button("⏸ Pause", key="front_pause", on_click=_pause, help="Stop on this period.")
        st.fragment(run_every=STEP_SECONDS)(_tick)(options, period)
    else:
        button.button("▶ Play", key="front_play", on_click=_play, args=(options, period),
                      help="Step through the periods, one every few seconds.")
_, current, _ = periods.window(page.query, period, last)
before = periods.previous(page.query, period)
if before is None:
    ui.legend([("places where fighting was reported", layers.FRONT_NEW)],
              note=f"{options[period]}. {ui.shows_note(page)}Dots sized by reports; pick a month to see what is new in it.")
else:
    ui.legend([("new this period (ringed): not reported the month before", layers.FRONT_NEW),
               ("reported the month before as well", layers.FRONT_SEEN)],
              note=f"{options[period]}. {ui.shows_note(page)}Dots sized by reports.")
view = layers.fit_view(page.ask("extent", EventQuery(kinds=("front_line",))), layers.VIEW_LIBYA)   # unfiltered: stays put
mapview.show_map(page, lambda: layers.front_layers(page, current, before), view,
                 key="front_map", choices=(period,), query=current)
if before is not None:
    new, gone = periods.changes(page.ask("groups", current, ("place_id",), "place", None)[0],
                                page.ask("groups", before, ("place_id",), "place", None)[0])
    st.markdown(f"**New this period** ({plural(len(new), 'place')}): {md_escape(', '.join(new)) or '—'}  \n"
                f"**No longer reported** ({plural(len(gone), 'place')}): {md_escape(', '.join(gone)) or '—'}")
if not page.present:
    counts = page.summary(current)
    st.subheader(f"{options[period]}: {plural(counts['events'], 'report')} at {plural(counts['places'], 'place')}")
    parties = periods.parties(page.ask("parties", current))
    if parties.empty:
        st.caption("No party is named in this period's reports.")
    else:
        st.markdown("**Named parties:** " + " · ".join(f"**{n}×** {md_escape(p)}"
                                                       for p, n in zip(parties["party"], parties["reports"])))
    tables.event_table(page.rows(query=current), ["date_label", "status", "place_label", "actor_label",
                                                  "counterpart_label", "sentence_text", "source", "article"],
                       key="front_table", total=counts["events"])
    ui.export_buttons(page, "front-lines", current)
