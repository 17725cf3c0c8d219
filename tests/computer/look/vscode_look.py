#!/usr/bin/python3
"""Look program for VS Code (code-server in chromium): fixes the greeting in greeting.py by
reading the screen with Tesseract. Each step checks that the screen shows what the previous
action should have brought about, and fails with what it read when it does not.

  open-file    double-click greeting.py in the Explorer
  go-to-line   the file is open: ctrl+g
  line-number  the go-to-line box is open: type the bug's line number (Enter follows)
  select-bug   double-click the wrong word on the editor's lines to select it
  replace      type the right word over the selection
  save         the fix is on screen: ctrl+s
"""

from screenlook import Look

FILE = "greeting.py"
LINE = 7
WRONG = "Goodbye"
RIGHT = "Hello"

look = Look()
width, height = look.image.shape[1], look.image.shape[0]
sidebar = (0, 0, width // 4, height)
editor = (width // 4, height // 12, width - width // 4, height - height // 12)


def read(region):
    return " ".join(w[0] for w in look.words(region))


if look.what == "open-file":
    found = look.find_word(FILE, sidebar)
    if not found:
        look.fail("no %s in the Explorer; it reads: %s" % (FILE, read(sidebar)))
    look.answer(look.text("The Explorer lists %s; opening it." % FILE),
                look.computer("double_click", coordinate=look.point(*found[0][1:3])))

if look.what == "go-to-line":
    if not look.find_word(WRONG, editor):
        look.fail("%s is not open in the editor; it reads: %s" % (FILE, read(editor)))
    look.answer(look.text("The file is open. Going to line %d." % LINE),
                look.computer("key", text="ctrl+g"))

if look.what == "line-number":
    top = (width // 4, 0, width // 2, height // 4)
    if not look.find_word("line", top):
        look.fail("no go-to-line box at the top; it reads: %s" % read(top))
    look.answer(look.computer("type", text=str(LINE)))

if look.what == "select-bug":
    status = look.words((width // 2, height - height // 30, width // 2, height // 30))
    place = [status[i + 1][0] for i in range(len(status) - 1) if status[i][0] == "Ln"]
    if not place or place[0].rstrip(",") != str(LINE):
        look.fail("the cursor is not on line %d; the status bar reads: %s"
                  % (LINE, " ".join(w[0] for w in status)))
    found = look.find_word(WRONG, editor)
    if not found:
        look.fail("no %s on the editor's lines; they read: %s" % (WRONG, read(editor)))
    x, y, box = found[0][1], found[0][2], found[0][3]
    # The word may come with its quote and comma: aim at the middle of its letters.
    start = found[0][0].find(WRONG) / max(len(found[0][0]), 1)
    x = box[0] + box[2] * (start + len(WRONG) / max(len(found[0][0]), 1) / 2)
    look.answer(look.text("Line %d greets with \"%s\"; selecting the word." % (LINE, WRONG)),
                look.computer("double_click", coordinate=look.point(x, y)))

if look.what == "replace":
    look.answer(look.computer("type", text=RIGHT))

if look.what == "save":
    # The new word must stand where the old one stood, whole: "Hello, not "GooHellodbye,.
    lines = look.find_word(RIGHT, editor)
    whole = [w for w in lines if w[0].strip('"\'') == RIGHT + ","]
    if look.find_word(WRONG, editor) or not whole or len(whole) != len(lines):
        look.fail("the fix is not on screen; the editor reads: %s" % read(editor))
    look.answer(look.text("The greeting is fixed; saving."), look.computer("key", text="ctrl+s"))

look.fail("unknown look: " + look.what)
