"""What the scripted model's look programs share: reading the screenshot Tandem sent, finding
things on it with OpenCV and Tesseract, and printing the reply blocks the model server sends.

A look program is started by tandem-model-server as
    PROGRAM ARGS... --screenshot FILE --display WIDTHxHEIGHT --step N
and prints a JSON array of reply blocks. Coordinates in its answers are in the declared display
space; the screenshot is normally sent at exactly that size, and is mapped if it is not.
"""

import argparse
import json
import os
import subprocess
import sys

import cv2
import numpy


class Look:

    def __init__(self, argv=None):
        parser = argparse.ArgumentParser()
        parser.add_argument("what")
        parser.add_argument("--screenshot", required=True)
        parser.add_argument("--display", required=True)
        parser.add_argument("--step", type=int, default=0)
        self.args = parser.parse_args(argv)
        self.what = self.args.what
        self.image = cv2.imread(self.args.screenshot, cv2.IMREAD_COLOR)
        if self.image is None:
            self.fail("the screenshot is not an image")
        width, height = (int(v) for v in self.args.display.split("x"))
        self.scale_x = width / self.image.shape[1]
        self.scale_y = height / self.image.shape[0]
        self.display = (width, height)

    def point(self, x, y):
        """A pixel of the screenshot as a point in the declared display space."""
        return [min(int(x * self.scale_x), self.display[0] - 1),
                min(int(y * self.scale_y), self.display[1] - 1)]

    @staticmethod
    def fail(message):
        print(message, file=sys.stderr)
        sys.exit(1)

    @staticmethod
    def answer(*blocks):
        print(json.dumps(list(blocks)))
        sys.exit(0)

    @staticmethod
    def text(words):
        return {"text": words}

    @staticmethod
    def computer(action, **fields):
        return {"tool_use": {"name": "computer", "input": {"action": action, **fields}}}

    def colour_regions(self, low_bgr, high_bgr, min_area=4):
        """Bounding boxes (x, y, w, h) of the connected areas within a colour range, largest
        first."""
        mask = cv2.inRange(self.image, numpy.array(low_bgr), numpy.array(high_bgr))
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask)
        boxes = [tuple(int(v) for v in stats[i][:4]) for i in range(1, count)
                 if stats[i][cv2.CC_STAT_AREA] >= min_area]
        return sorted(boxes, key=lambda b: b[2] * b[3], reverse=True)

    def words(self, region=None, zoom=2):
        """The words Tesseract reads, each as (text, centre x, centre y, box) in screenshot
        pixels. The image is enlarged first: screen text is small for an OCR engine."""
        x0, y0, w, h = region or (0, 0, self.image.shape[1], self.image.shape[0])
        crop = cv2.cvtColor(self.image[y0:y0 + h, x0:x0 + w], cv2.COLOR_BGR2GRAY)
        crop = cv2.resize(crop, None, fx=zoom, fy=zoom, interpolation=cv2.INTER_CUBIC)
        if numpy.mean(crop) < 128:  # dark theme: Tesseract reads dark text on light best
            crop = 255 - crop
        ok, png = cv2.imencode(".png", crop)
        # One thread: Tesseract's own threads only slow it down on a busy machine.
        run = subprocess.run(["tesseract", "stdin", "stdout", "--psm", "11", "tsv"],
                             input=png.tobytes(), capture_output=True, timeout=30,
                             env=dict(os.environ, OMP_THREAD_LIMIT="1"))
        if run.returncode != 0:
            self.fail("tesseract failed: " + run.stderr.decode(errors="replace"))
        found = []
        for line in run.stdout.decode(errors="replace").splitlines()[1:]:
            cells = line.split("\t")
            if len(cells) < 12 or not cells[11].strip():
                continue
            left, top, width, height = (int(c) / zoom for c in cells[6:10])
            box = (x0 + left, y0 + top, width, height)
            found.append((cells[11].strip(), box[0] + width / 2, box[1] + height / 2, box))
        return found

    def find_word(self, wanted, region=None, exact=False):
        """Every word read on screen that is, or contains, `wanted`."""
        return [w for w in self.words(region)
                if (w[0] == wanted if exact else wanted in w[0])]
