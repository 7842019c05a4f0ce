"""Write the nginx site config that puts N app replicas behind one address.

``deploy/serve.sh`` renders it for the replicas it starts on this machine; the container
recipe uses ``deploy/nginx/compose.conf``, the same function's output for the compose
services (a test checks that the file is up to date). It goes inside nginx's ``http {}``
block (the Docker image includes ``conf.d/*.conf`` there; serve.sh's top-level file
includes it).

Stickiness: a Streamlit session lives in one replica's memory, reached over a websocket,
and its downloads (``/media/...``) are kept there too, so every request of a visitor must
reach the replica that holds the session. A visitor's first response sets the cookie
``descent_replica`` to the replica that answered it (picked round robin); later requests
go to that replica's upstream group, where the other replicas stand by as ``backup``. If
the replica is down, a backup answers and the cookie moves with the session (it is set
whenever the replica that answered is not the one the cookie names, including on the
websocket's 101 response). ``ip_hash`` would send every visitor behind one address (a
school's NAT, the load test on 127.0.0.1) to one replica.

Health: open-source nginx checks passively: a replica that refuses a connection or fails
is skipped for ``fail_timeout``, and the request retried on the next. serve.sh checks each
replica's ``/_stcore/health`` actively and restarts one that died or stopped answering;
``/_stcore/health`` here answers from any live replica.

Only the app's own paths are proxied (the lessons, Streamlit's ``/_stcore/``, ``/static/``,
``/media/``, ``/component/``); anything else, and requests with an oversized header or
query string, get nginx's own error page.

Usage: ``python deploy/nginx_conf.py --listen 127.0.0.1:8080 --replica 127.0.0.1:8501
--replica 127.0.0.1:8502``. Replicas are told apart by port, so each needs its own.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ui.lessons import available  # noqa: E402

COOKIE = "descent_replica"
# header and request-line limits: a longer header line gets 400, a longer request line
# (path + query string) 414, both from nginx; the app's own query strings are < 300 bytes
HEADER_BUFFERS = "4 8k"
ADDRESS = re.compile(r"^[A-Za-z0-9_.-]+:\d{1,5}$")


def group(index: int) -> str:
    """The upstream group (and cookie value) of replica ``index`` (1-based)."""
    return f"replica_{index}"


def render(listen: str, replicas: list[str]) -> str:
    """The site config for ``replicas`` (``host:port``, distinct ports) behind ``listen``."""
    if not replicas:
        raise ValueError("at least one replica")
    for address in (listen, *replicas):
        if not ADDRESS.match(address) and not address.isdigit():
            raise ValueError(f"not host:port: {address!r}")
    ports = [address.rsplit(":", 1)[1] for address in replicas]
    if len(set(ports)) != len(ports):
        raise ValueError("replicas are told apart by port: give each its own")
    names = [group(i + 1) for i in range(len(replicas))]
    lessons = "|".join(re.escape(lesson.url_path) for lesson in available())
    out = [
        "# Descent Lab behind nginx: written by deploy/nginx_conf.py, do not edit by hand.",
        f"# Replicas: {', '.join(replicas)}.",
        "",
        "# first visits: round robin over every replica",
        "upstream descent_lab {",
        *(f"    server {address} max_fails=1 fail_timeout=5s;" for address in replicas),
        "}",
        "",
        "# a visitor whose cookie names a replica: that one, the others standing by",
    ]
    for i, name in enumerate(names):
        out.append(f"upstream {name} {{")
        out.append(f"    server {replicas[i]} max_fails=1 fail_timeout=5s;")
        out.extend(f"    server {other} backup;" for j, other in enumerate(replicas) if j != i)
        out.append("}")
    out += [
        "",
        f"map $cookie_{COOKIE} $descent_upstream {{",
        "    default descent_lab;",
        *(f"    {name} {name};" for name in names),
        "}",
        "",
        "# the replica that answered: the last address tried (a retried request lists all)",
        "map $upstream_addr $descent_served_by {",
        '    default "";',
        *(f'    "~:{port}$" {name};' for port, name in zip(ports, names, strict=True)),
        "}",
        "",
        "# set the cookie unless it already names the replica that answered",
        f'map "$cookie_{COOKIE}:$descent_served_by" $descent_set_cookie {{',
        f'    default "{COOKIE}=$descent_served_by; Path=/; HttpOnly; SameSite=Lax";',
        '    "~:$" "";  # nginx answered itself: no replica to name',
        *(f'    "{name}:{name}" "";' for name in names),
        "}",
        "",
        "map $http_upgrade $descent_connection {",
        "    default upgrade;",
        "    '' close;",
        "}",
        "",
        "server {",
        f"    listen {listen};",
        "    server_tokens off;",
        f"    large_client_header_buffers {HEADER_BUFFERS};",
        "    client_max_body_size 1m;",
        "",
        "    proxy_http_version 1.1;",
        "    # Streamlit checks a websocket's Origin against the Host it was asked for",
        "    proxy_set_header Host $http_host;",
        "    proxy_set_header Upgrade $http_upgrade;",
        "    proxy_set_header Connection $descent_connection;",
        "    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "    proxy_set_header X-Forwarded-Proto $scheme;",
        "    # a replica still starting answers 503: try the next one",
        "    proxy_next_upstream error timeout http_502 http_503;",
        "    proxy_connect_timeout 2s;",
        "    # an open lesson is an idle websocket between control changes",
        "    proxy_read_timeout 1h;",
        "    proxy_send_timeout 1h;",
        "    add_header Set-Cookie $descent_set_cookie always;",
        "",
        "    location = / {",
        "        proxy_pass http://$descent_upstream;",
        "    }",
        "    # the lessons (pages-directory mode: a page's file name without its number)",
        f"    location ~ ^/({lessons})/?$ {{",
        "        proxy_pass http://$descent_upstream;",
        "    }",
        "    # Streamlit: websocket, health, host config, components, media, front end",
        "    location ^~ /_stcore/ {",
        "        proxy_pass http://$descent_upstream;",
        "    }",
        "    location = /_stcore/metrics {",
        "        return 404;",
        "    }",
        "    location ~ ^/(static|media|component)/ {",
        "        proxy_pass http://$descent_upstream;",
        "    }",
        "    location ~ ^/(favicon\\.png|manifest\\.json)$ {",
        "        proxy_pass http://$descent_upstream;",
        "    }",
        "    location / {",
        "        return 404;",
        "    }",
        "}",
        "",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", required=True, help="address nginx listens on")
    parser.add_argument("--replica", action="append", required=True, help="host:port")
    args = parser.parse_args(argv)
    sys.stdout.write(render(args.listen, args.replica))


if __name__ == "__main__":
    main()
