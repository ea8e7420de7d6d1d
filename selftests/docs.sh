#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The documentation agrees with intnetctl: man/intnetctl.8 renders without warnings
# and documents every object, command and keyword `intnetctl help` prints; the bash
# completion (completion/intnetctl) offers them, and the values, devices, networks,
# users and groups they take; `help OBJECT` and `OBJECT help` say the same. No drift
# (issue 16): for every command, the page's entry and the completion name exactly the
# keywords and values the keyword tables give (as `intnetctl help` prints them), every
# setting the page explains is a keyword of grammar.c's tables, and help shows them all.
. "$(dirname "$0")/lib.sh"

load_module
repo=$(cd "$(dirname "$0")/.." && pwd)
page=$repo/man/intnetctl.8
tmp=$(mktemp -d)
trap 'intnetctl net del dc-lab 2>/dev/null; intnetctl net del 1001/dc-alab 2>/dev/null; rm -rf "$tmp"' EXIT
# Every object of intnetctl(8); `intnetctl help` must print each.
objects="net port fdb tap host monitor version help"

intnetctl help >"$tmp/help" 2>&1
help_rc=$?
# The grammar as `intnetctl help` prints it from the keyword tables, and as the page
# and grammar.c write it, parsed into files of one line per command or keyword:
#   cmds      OBJECT VERB ARG KEYWORD...  ("-" for no verb or no required argument;
#             a usage line is indented by two spaces and ends at a run of two spaces;
#             deeper lines starting with [ continue it)
#   values    OBJECT VERB ARG KEYWORD WORD...  the words a keyword's value may be
#             ("[promisc on|off]", "[flood-limit PPS|auto|off]")
#   drift     DESC|EXPECTED|ACTUAL: the page and grammar.c against the help:
#             each command's entry in the page's OBJECTS AND COMMANDS has exactly
#             its keywords and their value words in bold; the first bold word of
#             every other entry there (a setting the page explains) is a keyword of
#             grammar.c's tables; help shows every keyword of those tables.
# (Python compares what needs no completion: under TCG every fork costs.)
/usr/bin/python3 - "$tmp" "$page" "$repo/userland/grammar.c" <<'EOF'
import re, shlex, sys
tmp, page, grammar = sys.argv[1:4]
VERBED = ("net", "port", "fdb", "tap", "host")
OBJECTS = VERBED + ("monitor", "version", "help")

cmds = []
for line in open(tmp + "/help").read().split("\n\n")[1].splitlines():
    if re.match(r"^ {3,}\[", line) and cmds:
        cmds[-1] += " " + line.strip()
    elif re.match(r"^  [a-z]", line):
        cmds.append(re.split(r" {2,}", line.strip())[0])

def alternatives(group):
    """A bracket's keywords and their values: "a|b" flags, "k V", "k V | l W"."""
    if " " not in group:
        return [(w, []) for w in group.split("|")]
    out = []
    for alt in group.split(" | "):
        words = alt.split(" ")
        meta = words[1] if len(words) > 1 else ""
        out.append((words[0], [w for w in meta.split("|") if re.match(r"^[a-z-]+$", w)]))
    return out

parsed, allvals = [], {}
with open(tmp + "/cmds", "w") as fc, open(tmp + "/values", "w") as fv:
    for c in cmds:
        groups = re.findall(r"\[([^\]]*)\]", c)
        bare = re.sub(r"\[[^\]]*\]", " ", c).split()
        obj, rest = bare[0], bare[1:]
        verb = "-"
        if obj in VERBED and rest and re.match(r"^[a-z]", rest[0]):
            verb, rest = rest[0], rest[1:]
        arg = rest[0] if rest and rest[0].isupper() else "-"
        kws = []
        # a required keyword is bare: "fdb add MAC dev DEV"
        for i, t in enumerate(rest):
            if re.match(r"^[a-z][a-z-]*$", t):
                kws.append((t, []))
        for g in groups:
            if not g.isupper():
                kws += alternatives(g)
        names = []
        for k, vals in kws:
            if k not in names:
                names.append(k)
            if vals:
                print(obj, verb, arg, k, " ".join(vals), file=fv)
                allvals.setdefault((obj, verb), set()).update(vals)
        print(" ".join([obj, verb, arg] + names), file=fc)
        parsed.append((obj, verb, names))

def words(s):
    return s.replace("\\-", "-").split()

def bold_words(line):
    """The bold words of an entry's tag: raw \\fB...\\fP, or .B/.BR/.BI."""
    if line.startswith("\\fB"):
        return [w for seg in re.findall(r"\\fB(.*?)\\f[PRI]", line) for w in words(seg)]
    m = re.match(r"^\.(B|BR|BI) (.*)", line)
    if not m:
        return []
    args = shlex.split(m.group(2).replace("\\", "\\\\"), posix=True)
    bold = args if m.group(1) == "B" else args[0::2]
    # an inline italic (\fIMAC\fP) inside a bold argument is not bold
    return [w for a in bold for w in words(re.sub(r"\\\\fI.*?\\\\fP", " ", a))]

entries, tags = {}, set()
section, tp = "", False
for line in open(page).read().splitlines():
    if line.startswith(".SH "):
        section = line[4:].strip('"')
    elif section == "OBJECTS AND COMMANDS" and tp:
        b = bold_words(line)
        # "net NAME" is port add's keyword; a command has its verb
        if b and b[0] in OBJECTS and (b[0] not in VERBED or len(b) > 1):
            verb = b[1] if b[0] in VERBED and len(b) > 1 else "-"
            entries[(b[0], verb)] = set(b[2:] if verb != "-" else b[1:])
        elif b:
            tags.add(b[0])
    tp = line == ".TP"
tables = set(re.findall(r'KW(?:_LOCAL)?\("([a-z][a-z-]*)"', open(grammar).read()))
shown = set(k for obj, verb, names in parsed if verb != "-" for k in names)
with open(tmp + "/drift", "w") as f:
    def drift(desc, want, got):
        print("%s|%s|%s" % (desc, " ".join(sorted(want)), got if type(got) is str else " ".join(sorted(got))), file=f)
    for obj, verb, names in parsed:
        cmd = obj if verb == "-" else obj + " " + verb
        drift("intnetctl(8)'s entry for '%s' has its keywords and values, no others" % cmd,
              set(names) | allvals.get((obj, verb), set()), entries.get((obj, verb), "(no entry)"))
    drift("intnetctl help shows every keyword of grammar.c's tables, and no other", tables, shown)
    drift("every setting intnetctl(8) explains is a keyword of the tables", set(), tags - tables)
EOF
# The page's text: fonts dropped, \- made -.
sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\(em/-/g' -e 's/\\c$//' "$page" >"$tmp/page"
page_text=$(<"$tmp/page")
page_has() { [[ $page_text =~ (^|[^a-z-])$1([^a-z-]|$) ]]; }

. "$repo/completion/intnetctl"
# comp WORD...: what the completion offers for the last word, space-separated, in
# $offered (and printed with -p). No subshell: under TCG a fork costs.
comp() {
	local print=0
	[ "$1" = -p ] && { print=1; shift; }
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	_intnetctl
	offered="${COMPREPLY[*]}"
	[ $print = 0 ] || echo "$offered"
}
# missing WANTED OFFERED: the words of WANTED that OFFERED lacks, in $lacking (and
# printed with -p).
missing() {
	local w print=0
	[ "$1" = -p ] && { print=1; shift; }
	lacking=""
	for w in $1; do
		case " $2 " in *" $w "*) ;; *) lacking+="$w " ;; esac
	done
	lacking=${lacking% }
	[ $print = 0 ] || echo "$lacking"
}

n_cmds=$(wc -l <"$tmp/cmds")
n_verbed=$(grep -c '^[a-z]* [a-z]' "$tmp/cmds")
n_values=$(wc -l <"$tmp/values")
n_drift=$(wc -l <"$tmp/drift")
plan $((31 + 3 * n_cmds + n_drift + n_verbed + n_values))

# --- the page
out=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$page" 2>&1 >/dev/null)
expect_eq "man --warnings renders intnetctl(8) without a warning" "" "$out"
out=$(groff -man -ww -z "$page" 2>&1)
expect_eq "groff -man -ww renders it without a warning" "" "$out"
sections="" th_version=""
while IFS= read -r line; do
	case $line in
	.SH\ *)
		line=${line#.SH }
		line=${line//\"/}
		sections+="${line// /_} "
		;;
	.TH\ *)
		th_version=${line#*\"intnet }
		th_version=${th_version%%\"*}
		;;
	esac
done <"$page"
missing "NAME SYNOPSIS DESCRIPTION OPTIONS OBJECTS_AND_COMMANDS SECURITY JSON_OUTPUT EXIT_STATUS EXAMPLES FILES SEE_ALSO" "$sections"
expect_eq "it has every section" "" "$lacking"
v=$(intnetctl -V)
expect_eq "its version is intnetctl's" "${v#intnetctl }" "$th_version"

# --- intnetctl help
expect_eq "intnetctl help exits 0" 0 "$help_rc"
printed=""
while read -r obj _; do printed+="$obj "; done <"$tmp/cmds"
missing "$objects" "$printed"
expect_eq "intnetctl help prints every object of intnetctl(8)" "" "$lacking"
bad=""
for o in net port fdb tap host; do
	a=$(intnetctl "$o" help 2>&1)
	b=$(intnetctl help "$o" 2>&1)
	case $a in "Usage: intnetctl [OPTIONS] $o COMMAND"*) ;; *) bad+="$o help: ${a%%$'\n'*}; " ;; esac
	[ "$a" = "$b" ] || bad+="help $o differs from $o help; "
done
expect_eq "OBJECT help and help OBJECT print the object's usage, the same" "" "$bad"
out=$(intnetctl monitor help 2>&1)
out=${out%%$'\n'*}
expect_eq "monitor help prints its usage" "Usage: intnetctl [OPTIONS] monitor" "${out:0:34}"

# --- every command of intnetctl help: in the page and offered by the completion
while read -r obj verb arg kws; do
	cmd=$obj
	[ "$verb" = - ] || cmd="$obj $verb"
	check "intnetctl(8) documents '$cmd'" page_has "$cmd"
	m=""
	for k in $kws; do page_has "$k" || m+="$k "; done
	expect_eq "intnetctl(8) documents the keywords of '$cmd'" "" "${m% }"
	# the words before the keywords: the command and its argument
	words=(intnetctl "$obj")
	if [ "$verb" = - ]; then
		comp intnetctl ""
		wanted=$obj
	else
		comp intnetctl "$obj" ""
		wanted=$verb
		words+=("$verb")
	fi
	all=$offered
	case $arg in
	-) ;;
	MAC) words+=(02:00:00:00:00:01) ;;
	*) words+=(x) ;;
	esac
	[ -n "$kws" ] && comp "${words[@]}" "" && all+=" $offered"
	missing "$wanted ${kws//help/}" "$all"
	expect_eq "the completion offers '$cmd' and its keywords" "" "$lacking"
done <"$tmp/cmds"

# --- drift (issue 16: the grammar is written in the tables, the page and the completion):
# each says exactly what the tables say, nothing more and nothing less.
while IFS='|' read -r desc want got; do
	expect_eq "$desc" "$want" "$got"
done <"$tmp/drift"
# same WANTED OFFERED: what OFFERED lacks of WANTED, and has beyond it, in $lacking.
same() {
	local short
	missing "$1" "$2"
	short=$lacking
	missing "$2" "$1"
	lacking="${short:+lacks $short}${short:+${lacking:+, }}${lacking:+offers $lacking}"
}
# the words before a command's keywords: a required argument, or a show's optional one
cmd_words() {
	words=(intnetctl "$1" "$2")
	case $3,$2 in
	-,show) words+=(x) ;;
	-,*) ;;
	MAC,*) words+=(02:00:00:00:00:01) ;;
	*) words+=(x) ;;
	esac
}
while read -r obj verb arg kws; do
	[ "$verb" = - ] && continue
	cmd_words "$obj" "$verb" "$arg"
	comp "${words[@]}" ""
	same "$kws" "$offered"
	expect_eq "the completion offers the keywords of '$obj $verb', no others" "" "$lacking"
done <"$tmp/cmds"
while read -r obj verb arg kw vals; do
	cmd_words "$obj" "$verb" "$arg"
	comp "${words[@]}" "$kw" ""
	same "$vals" "$offered"
	expect_eq "the completion offers the values of '$obj $verb $kw', no others" "" "$lacking"
done <"$tmp/values"

# --- the completion, position by position
expect_eq "first word: the objects" "net port fdb tap host monitor version help" "$(comp -p intnetctl "")"
expect_eq "first word after options" "net port fdb tap host monitor version help" "$(comp -p intnetctl -j -s "")"
expect_eq "options" "-j -s -h -V -batch -force --json --stats --help --version" "$(comp -p intnetctl -)"
expect_eq "after -batch, a file" "$tmp/cmds" "$(comp -p intnetctl -batch "$tmp/cmd")"
expect_eq "after -batch FILE, options only: no object" "" "$(comp -p intnetctl -batch x "")"
expect_eq "... -force among them" "-force" "$(comp -p intnetctl -batch x -fo)"
m=""
for o in -batch -force "Command failed"; do
	page_has "$o" || m+="$o; "
	[[ $(<"$tmp/help") == *"$o"* ]] || [ "$o" = "Command failed" ] || m+="help: $o; "
	[[ $(<"$repo/README") == *"$o"* ]] || m+="README: $o; "
done
expect_eq "intnetctl(8), the usage and the README document -batch, -force and what a failure says" "" "$m"
expect_eq "the verbs of net" "add set del show list help" "$(comp -p intnetctl net "")"
expect_eq "the keywords of port add" \
	"net up down promisc lock-mac isolated flood-limit lock-ip dhcp-server user" \
	"$(comp -p intnetctl port add tap0 "")"
expect_eq "a keyword given, and its opposite, are not offered again" \
	"net promisc lock-mac isolated flood-limit lock-ip dhcp-server user" \
	"$(comp -p intnetctl port add tap0 down "")"
expect_eq "but lock-ip, given once for each address, is" \
	"up down promisc lock-mac isolated flood-limit lock-ip dhcp-server" \
	"$(comp -p intnetctl port set tap0 lock-ip 10.0.0.5 "")"
expect_eq "an IPv6 address split at its colons is one argument" "on off" \
	"$(comp -p intnetctl port set tap0 lock-ip fd00 :: 5 dhcp-server "")"
expect_eq "the values of promisc" "on off" "$(comp -p intnetctl port set tap0 promisc "")"
expect_eq "the values of promisc-policy" "deny allow-same-user allow-all" \
	"$(comp -p intnetctl net set lab promisc-policy "")"
expect_eq "the keywords of tap add" "net user group vnet-hdr multi-queue up down promisc" \
	"$(comp -p intnetctl tap add tap0 "")"
comp intnetctl port add l
missing lo "$offered"
expect_eq "device names for port add" "" "$lacking"
# readline splits a MAC at its colons
expect_eq "a MAC split at its colons is one argument" "dev" \
	"$(comp -p intnetctl fdb add 02 : 00 : 00 : 00 : 00 : 01 "")"
intnetctl net add dc-lab
setpriv --reuid=1001 --regid=1001 --clear-groups intnetctl net add dc-alab
expect_eq "network names from intnetctl net show" "dc-lab" "$(comp -p intnetctl port add x net dc-)"
expect_eq "and for net show" "dc-lab" "$(comp -p intnetctl net show dc-)"
expect_eq "another user's network as OWNER/NAME, as commands name it" "1001/dc-alab" \
	"$(comp -p intnetctl fdb show net 1001/)"
expect_eq "net set offers group-fwd-mask" \
	"group-fwd-mask" "$(comp -p intnetctl net set dc-lab group)"
expect_eq "users for user, groups for group" "root root" \
	"$(comp -p intnetctl tap add x user roo) $(comp -p intnetctl tap add x group roo)"
rmmod intnet
out=$(comp -p intnetctl net show "" 2>&1)
load_module
expect_eq "without the module: no network names, quietly" "" "$out"
finish
