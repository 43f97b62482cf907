#!/usr/bin/env python3
"""Bake and unbake Open Badges 3.0 images with openbadgeslib (PyPI), an implementation
independent of Brevet, for the baking interop test (crates/brevet/tests/bake.rs).

    openbadgeslib_bakery.py unbake IMAGE
        Writes the payload of the image's `openbadgecredential` iTXt chunk (PNG) or
        `openbadges:credential` element (SVG) to standard output, as UTF-8 bytes. Exit 1 when
        the image carries none, 2 on an error.
    openbadgeslib_bakery.py bake IMAGE CREDENTIAL OUT
        Bakes the credential file (a JSON document or a compact JWT) into IMAGE with
        openbadgeslib and writes OUT.

The image type is told by the PNG signature, as Brevet does.
"""

import sys

from openbadgeslib import baking

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def unbake(image_path):
    with open(image_path, "rb") as handle:
        image = handle.read()
    if image.startswith(PNG_SIGNATURE):
        token = baking.extract_png(image, keyword=baking.ITXT_KEYWORD_OB3)
    else:
        token = baking.extract_svg(
            image, element=baking.SVG_ELEMENT_OB3, text_fallback=True
        )
    if token is None:
        print("no Open Badges 3.0 credential in %s" % image_path, file=sys.stderr)
        return 1
    sys.stdout.buffer.write(token.encode("utf-8"))
    sys.stdout.buffer.flush()
    return 0


def bake(image_path, credential_path, out_path):
    with open(image_path, "rb") as handle:
        image = handle.read()
    with open(credential_path, "rb") as handle:
        credential = handle.read().decode("utf-8")
    is_json = credential.lstrip().startswith("{")
    if image.startswith(PNG_SIGNATURE):
        baked = baking.bake_png(image, credential, keyword=baking.ITXT_KEYWORD_OB3)
    else:
        baked = baking.bake_svg(
            image,
            credential,
            element=baking.SVG_ELEMENT_OB3,
            namespace=baking.SVG_NS_OB3,
            as_text=is_json,
        )
    with open(out_path, "wb") as handle:
        handle.write(baked)
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "unbake":
        return unbake(argv[2])
    if len(argv) == 5 and argv[1] == "bake":
        return bake(argv[2], argv[3], argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Exception as error:  # report, exit 2: the Rust test shows stderr
        print("error: %s: %s" % (type(error).__name__, error), file=sys.stderr)
        sys.exit(2)
