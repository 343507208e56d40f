"""Every FAZHI_* variable, listen port and fazhi command deploy/ names must be
one `fazhi --help` knows: a setting's variable (or it with _FILE, a secret
read from a file), FAZHI_CONFIG or FAZHI_ADMIN_PASSWORD(_FILE); a port one of
the settings' defaults; a command one of the subcommands.

Usage: deploy-names.py HELP_TEXT DEPLOY_DIR RENDERED.yaml...
"""
import pathlib
import re
import sys

help_text = pathlib.Path(sys.argv[1]).read_text()
deploy = pathlib.Path(sys.argv[2])
rendered = [pathlib.Path(p) for p in sys.argv[3:]]

settings = set(re.findall(r"env (FAZHI_[A-Z0-9_]+)", help_text))
known = settings | {"FAZHI_CONFIG", "FAZHI_ADMIN_PASSWORD"}
ports = {int(p) for p in re.findall(r"default [0-9.]+:(\d+)", help_text)}
commands = set(re.findall(r"^  ([a-z]+)\s{2,}", help_text.split("Options:")[0], re.M))
problems = []

files = [p for p in deploy.rglob("*") if p.is_file() and p.suffix in {".yaml", ".yml", ".json", ""}]
files += [deploy / "Dockerfile"] + rendered
for path in files:
    text = path.read_text()
    for name in set(re.findall(r"\bFAZHI_[A-Z0-9_]+", text)):
        base = name[: -len("_FILE")] if name.endswith("_FILE") and name not in known else name
        if base not in known:
            problems.append(f"{path}: {name} is no setting of fazhi")
    # Ports a fazhi process listens on or is reached at.
    for value in re.findall(r"FAZHI_[A-Z_]+(?:LISTEN|ENDPOINT)[\"']?\s*[:=]\s*\S*?:(\d+)", text):
        if int(value) not in ports:
            problems.append(f"{path}: port {value} is no fazhi listen default")
    for value in re.findall(r"containerPort: (\d+)", text):
        if int(value) not in ports:
            problems.append(f"{path}: containerPort {value} is no fazhi listen default")
    # Commands given to the fazhi binary: its containers' args and command,
    # the Dockerfile's CMD, and `fazhi <command>` in health checks.
    listed = re.findall(r"(?:args|command): *\[\"([a-z]+)\"", text)
    listed += re.findall(r"^CMD \[\"([a-z]+)\"", text, re.M)
    listed += re.findall(r"\"fazhi\", \"([a-z]+)\"", text)
    for command in listed:
        if command not in commands:
            problems.append(f"{path}: fazhi has no command {command}")
for line in (deploy / "Dockerfile").read_text().splitlines():
    if line.startswith("EXPOSE"):
        for value in line.split()[1:]:
            if int(value) not in ports:
                problems.append(f"Dockerfile: EXPOSE {value} is no fazhi listen default")

if problems:
    print("\n".join(sorted(set(problems))))
    sys.exit(1)
print(f"checked {len(files)} files against {len(settings)} settings, ports {sorted(ports)}, commands {sorted(commands)}")
