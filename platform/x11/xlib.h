#pragma once

// Xlib's headers define macros with common names; this module includes them only through
// here, after OpenCV, and takes back the one that collides with base::Status.
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <X11/XKBlib.h>
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <X11/extensions/XTest.h>
#include <X11/extensions/Xrandr.h>
#include <X11/keysym.h>

#undef Status
