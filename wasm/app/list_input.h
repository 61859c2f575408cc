// How the page's input moves the beat list, as plain functions of the
// browser's events (no ImGui, no Emscripten), so they are tested natively.
#pragma once

namespace ecglens::app {

// A browser WheelEvent's delta (deltaY or deltaX) in Dear ImGui wheel units.
// deltaMode 0 counts pixels (Chromium, Safari: 100 a notch), 1 lines
// (Firefox: 3 a notch), 2 pages (taken as 5 notches). The browser's positive
// delta scrolls down (or right); ImGui's positive wheel scrolls up (or left),
// so the sign flips. One unit scrolls ImGui's step of five text lines: a few
// rows of the beat list a notch, in the direction the page would scroll.
// Unknown modes count as pixels.
float wheel_units(double delta, int delta_mode);

// The keys that move the selection through the beat list.
enum class ListKey { Up, Down, PageUp, PageDown, Home, End };

// The list row selected after `key`, from row `current` (-1: none yet) in a
// list of `rows` rows of which `page` are visible at once. Clamped to the
// list; -1 for an empty list.
int next_row(ListKey key, int current, int rows, int page);

}  // namespace ecglens::app
