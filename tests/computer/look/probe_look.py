#!/usr/bin/python3
"""Look program for the probe window (tests/computer/probewindow.cpp): a white window on the
black root with one red square somewhere in it.

  square   left-click the centre of the red square
  outside  left-click the desktop beside the window, which the confinement must refuse
"""

from screenlook import Look

look = Look()
red = look.colour_regions((0, 0, 200), (60, 60, 255))
white = look.colour_regions((230, 230, 230), (255, 255, 255), min_area=400)

if look.what == "square":
    if not red:
        look.fail("no red square on the screenshot")
    x, y, w, h = red[0]
    look.answer(look.text("I see a red square; clicking it."),
                look.computer("left_click", coordinate=look.point(x + w // 2, y + h // 2)))

if look.what == "outside":
    if not white:
        look.fail("no window on the screenshot")
    x, y, w, h = white[0]
    # Halfway between the window and the screen's nearest edge, left or above.
    target = (x // 2, y + h // 2) if x >= y else (x + w // 2, y // 2)
    look.answer(look.computer("left_click", coordinate=look.point(*target)))

look.fail("unknown look: " + look.what)
