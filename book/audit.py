"""Open every page of the built site in headless Chromium: console errors, broken internal
links, and an axe-core accessibility audit (violations counted by impact).

    python book/audit.py            # audits build/book/, writes build/book-audit.json

axe-core comes from the npm registry into the git-ignored build/axe/ (`make book-deps`).
Chromium is Debian's /usr/bin/chromium, driven by Python playwright (never `playwright install`).
"""
from __future__ import annotations

import functools
import http.server
import json
import sys
import threading
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "build" / "book"
AXE = ROOT / "build" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
IMPACTS = ("critical", "serious", "moderate", "minor")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for key in ("href", "src"):
            if attrs.get(key) and tag in ("a", "link", "script", "img"):
                self.links.append(attrs[key])


def pages(site: Path = SITE) -> list[Path]:
    """Every content page of the site (not Sphinx's search/genindex helper pages)."""
    return sorted(p for p in site.rglob("*.html") if not p.relative_to(site).parts[0].startswith("_"))


@functools.lru_cache(maxsize=None)
def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(errors="replace"))
    return parser


def broken_links(site: Path = SITE) -> list[str]:
    """Internal links (and #anchors) of every page that point at nothing; [] when all resolve."""
    broken = []
    for page in pages(site):
        for link in _parse(page).links:
            if urlparse(link).scheme or link.startswith(("//", "mailto:", "data:", "javascript:")):
                continue
            target, anchor = urldefrag(unquote(link.split("?")[0] if "?" in link.split("#")[0]
                                               else link))
            path = (page.parent / target).resolve() if target else page
            if path.is_dir():
                path = path / "index.html"
            if not path.exists():
                broken.append(f"{page.relative_to(site)} -> {link}")
            elif anchor and path.suffix == ".html" and anchor not in _parse(path).ids:
                broken.append(f"{page.relative_to(site)} -> {link} (no such anchor)")
    return broken


def serve(site: Path):
    """A loopback HTTP server for ``site`` (a thread); returns (server, base URL)."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def audit_urls(urls: list[str], axe_rules: dict | None = None) -> dict:
    """Load each URL in Chromium; return {url: {"console": [...], "violations": [...]}}."""
    from playwright.sync_api import sync_playwright

    axe = AXE.read_text()
    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for url in urls:
            page = browser.new_page()
            console: list[str] = []
            page.on("console", lambda m, c=console: c.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e, c=console: c.append(str(e)))
            page.on("response", lambda r, c=console: c.append(f"HTTP {r.status}: {r.url}")
                    if r.status >= 400 else None)
            page.goto(url, wait_until="load")
            page.wait_for_timeout(300)
            page.evaluate(axe)
            found = page.evaluate("""async () => {
                const r = await axe.run(document, {resultTypes: ['violations']});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.length, target: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
            }""")
            results[url] = {"console": list(console), "violations": found}
            page.close()
        browser.close()
    return results


def by_impact(results: dict) -> dict[str, int]:
    """Violation instances (rule x page) counted by axe impact."""
    counts = Counter(v["impact"] for r in results.values() for v in r["violations"])
    return {impact: counts.get(impact, 0) for impact in IMPACTS}


def audit_site(site: Path = SITE) -> dict:
    server, base = serve(site)
    try:
        urls = [f"{base}/{p.relative_to(site).as_posix()}" for p in pages(site)]
        results = audit_urls(urls)
    finally:
        server.shutdown()
    return {"pages": len(urls), "by_impact": by_impact(results),
            "broken_links": broken_links(site), "results": results}


def main() -> None:
    report = audit_site()
    (ROOT / "build" / "book-audit.json").write_text(json.dumps(report, indent=1))
    rules = Counter((v["impact"], v["id"]) for r in report["results"].values()
                    for v in r["violations"])
    print(f"{report['pages']} pages; axe violations by impact: {report['by_impact']}")
    for (impact, rule), n in rules.most_common():
        print(f"  {impact:9s} {rule}: {n} pages")
    errors = {u: r["console"] for u, r in report["results"].items() if r["console"]}
    print(f"console errors on {len(errors)} pages; broken links: {len(report['broken_links'])}")
    for u, e in list(errors.items())[:10]:
        print("  ", u, e[:2])
    for b in report["broken_links"][:20]:
        print("  ", b)
    sys.exit(1 if errors or report["broken_links"] or report["by_impact"]["critical"]
             or report["by_impact"]["serious"] else 0)


if __name__ == "__main__":
    main()
