#!/usr/bin/env python3
"""Generates the wire tables of chime-local from the botocore service models.

Reads api/models/chime-sdk-{messaging,identity}.service-2.json (verbatim copies
of botocore's models) and writes:

  api/generated/operations.hpp   enum class Op, one value per operation
  api/generated/model_tables.cpp constexpr tables of shapes, members, enum
                                 values and operations (routing + bindings +
                                 constraints), read by api/protocol/.

Stdlib only. It fails loudly on any model feature the hand-written protocol
layer does not understand (an unknown pattern, trait, location or shape kind),
so a newer model becomes a conscious change rather than silent misbehaviour.

  gen_api.py            regenerate in place
  gen_api.py --check    exit 1 if the checked-in files differ from the models
  gen_api.py --out DIR  write into DIR instead of api/generated
"""

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
API_DIR = os.path.dirname(HERE)
MODELS = [
    ("messaging", "Messaging", os.path.join(API_DIR, "models", "chime-sdk-messaging.service-2.json")),
    ("identity", "Identity", os.path.join(API_DIR, "models", "chime-sdk-identity.service-2.json")),
]

# Every pattern that occurs in the models, mapped to the hand-written matcher
# in api/protocol/patterns.cpp that implements it.
PATTERNS = {
    ".*": "kAnyLine",
    "[\\s\\S]*": "kAnything",
    ".*\\S.*": "kNonBlank",
    "[-_a-zA-Z0-9]*": "kToken",
    "[A-Za-z0-9]([A-Za-z0-9\\:\\-\\_\\.\\@]{0,62}[A-Za-z0-9])?": "kResourceId",
    "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]*": "kResourceName",
    "arn:[a-z0-9-\\.]{1,63}:[a-z0-9-\\.]{0,63}:[a-z0-9-\\.]{0,63}:[a-z0-9-\\.]{0,63}:[^/].{0,1023}": "kChimeArn",
    "arn:aws:lambda:[a-z]{2}-[a-z]+-\\d{1}:\\d{12}:function:[a-zA-Z0-9\\-_\\.]+(:(\\$LATEST|[a-zA-Z0-9\\-_]+))?": "kLambdaFunctionArn",
    "arn:aws:lex:[a-z]{2}-[a-z]+-\\d{1}:\\d{12}:bot-alias/[A-Z0-9]{10}/[A-Z0-9]{10}": "kLexBotAliasArn",
    "^([A-Za-z]_?)+$": "kLexIntentName",
}

KINDS = {
    "structure": "kStructure", "list": "kList", "map": "kMap", "string": "kString",
    "integer": "kInteger", "long": "kLong", "boolean": "kBoolean", "timestamp": "kTimestamp",
}
LOCATIONS = {None: "kBody", "uri": "kUri", "querystring": "kQuery", "header": "kHeader"}
# Which shape kinds each non-body location can carry (what the binder converts).
LOCATION_KINDS = {"uri": {"string"}, "querystring": {"string", "integer", "timestamp"}, "header": {"string"}}
SHAPE_KEYS = {"type", "members", "required", "documentation", "min", "max", "pattern", "enum",
              "sensitive", "member", "key", "value", "exception", "error", "fault"}
MEMBER_KEYS = {"shape", "location", "locationName", "documentation", "idempotencyToken"}
OP_KEYS = {"name", "http", "input", "output", "errors", "documentation"}
# POST-shaped operations that only read (every GET reads; every other method writes).
READ_POSTS = {"SearchChannels"}

ERRORS = ["BadRequestException", "ConflictException", "ForbiddenException", "NotFoundException",
          "ResourceLimitExceededException", "ServiceFailureException", "ServiceUnavailableException",
          "ThrottledClientException", "UnauthorizedClientException"]


class ModelError(Exception):
    pass


def cxx_str(s):
    out = []
    for ch in s:
        if ch in "\\\"":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20 or ord(ch) > 0x7e:
            raise ModelError("non-ASCII or control character in a model string: %r" % s)
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def split_request_uri(uri):
    path, _, query = uri.partition("?")
    segments = []
    for seg in path.strip("/").split("/") if path.strip("/") else []:
        if seg.startswith("{") and seg.endswith("}"):
            name = seg[1:-1]
            if name.endswith("+"):
                raise ModelError("greedy label %s is not supported" % seg)
            segments.append(("label", name))
        else:
            if "{" in seg or "}" in seg:
                raise ModelError("mixed label segment %s is not supported" % seg)
            segments.append(("literal", seg))
    qkey = qval = ""
    if query:
        if "&" in query or "=" not in query:
            raise ModelError("unsupported query literal in %s" % uri)
        qkey, qval = query.split("=", 1)
    return path, segments, qkey, qval


def generate():
    shapes = []        # dicts: id, qualified name, def
    shape_index = {}   # (service, name) -> id
    members = []
    enum_values = []
    operations = []

    def shape_id(service, model, name):
        key = (service, name)
        if key in shape_index:
            return shape_index[key]
        sdef = model["shapes"][name]
        unknown = set(sdef) - SHAPE_KEYS
        if unknown:
            raise ModelError("shape %s: unknown traits %s" % (name, sorted(unknown)))
        if sdef["type"] not in KINDS:
            raise ModelError("shape %s: unsupported type %s" % (name, sdef["type"]))
        sid = len(shapes)
        shape_index[key] = sid
        entry = {"name": name, "def": sdef, "service": service}
        shapes.append(entry)
        pat = sdef.get("pattern")
        if pat is not None and pat not in PATTERNS:
            raise ModelError("shape %s: unknown pattern %r (add a matcher to patterns.cpp)" % (name, pat))
        entry["pattern"] = PATTERNS.get(pat, "kNone") if pat is not None else "kNone"
        entry["enum_first"] = len(enum_values)
        for v in sdef.get("enum", []):
            enum_values.append(v)
        entry["enum_count"] = len(sdef.get("enum", []))
        entry["element"] = entry["key"] = 0xFFFF
        if sdef["type"] == "list":
            entry["element"] = shape_id(service, model, sdef["member"]["shape"])
        if sdef["type"] == "map":
            entry["key"] = shape_id(service, model, sdef["key"]["shape"])
            entry["element"] = shape_id(service, model, sdef["value"]["shape"])
        entry["member_first"] = 0
        entry["member_count"] = 0
        if sdef["type"] == "structure":
            mlist = []
            required = set(sdef.get("required", []))
            for mname, mdef in sdef.get("members", {}).items():
                unknown = set(mdef) - MEMBER_KEYS
                if unknown:
                    raise ModelError("member %s.%s: unknown traits %s" % (name, mname, sorted(unknown)))
                mshape = shape_id(service, model, mdef["shape"])
                loc = mdef.get("location")
                if loc not in LOCATIONS:
                    raise ModelError("member %s.%s: unsupported location %s" % (name, mname, loc))
                if loc is not None and model["shapes"][mdef["shape"]]["type"] not in LOCATION_KINDS[loc]:
                    raise ModelError("member %s.%s: %s members of type %s are not supported" %
                                     (name, mname, loc, model["shapes"][mdef["shape"]]["type"]))
                mlist.append({
                    "name": mname,
                    "wire": mdef.get("locationName", mname),
                    "loc": LOCATIONS[loc],
                    "shape": mshape,
                    "required": mname in required,
                    "idem": bool(mdef.get("idempotencyToken")),
                })
            missing = required - set(sdef.get("members", {}))
            if missing:
                raise ModelError("shape %s: required members not defined: %s" % (name, sorted(missing)))
            entry["mlist"] = mlist
        return sid

    op_names = {}
    for service, _, path in MODELS:
        with open(path, encoding="utf-8") as f:
            model = json.load(f)
        if model["metadata"].get("protocol") != "rest-json":
            raise ModelError("%s: protocol %s is not rest-json" % (service, model["metadata"].get("protocol")))
        for name in sorted(model["operations"]):
            odef = model["operations"][name]
            unknown = set(odef) - OP_KEYS
            if unknown:
                raise ModelError("operation %s: unknown keys %s" % (name, sorted(unknown)))
            uri = odef["http"]["requestUri"]
            tmpl, segments, qkey, qval = split_request_uri(uri)
            in_id = shape_id(service, model, odef["input"]["shape"]) if "input" in odef else 0xFFFF
            out_id = shape_id(service, model, odef["output"]["shape"]) if "output" in odef else 0xFFFF
            errors = [e["shape"] for e in odef.get("errors", [])]
            for e in errors:
                if e not in ERRORS:
                    raise ModelError("operation %s: unknown error shape %s" % (name, e))
            # Every uri label must be bound by an input member.
            if in_id != 0xFFFF:
                labels = {m["wire"] for m in shapes[in_id]["mlist"] if m["loc"] == "kUri"}
            else:
                labels = set()
            for kind, seg in segments:
                if kind == "label" and seg not in labels:
                    raise ModelError("operation %s: label {%s} has no input member" % (name, seg))
            enum_name = name
            if name in op_names:
                enum_name = "Identity" + name
            op_names[name] = True
            operations.append({
                "enum": "k" + enum_name, "service": service, "name": name,
                "method": odef["http"]["method"], "template": tmpl, "segments": segments,
                "qkey": qkey, "qval": qval, "status": odef["http"].get("responseCode", 200),
                "input": in_id, "output": out_id, "errors": errors,
                "access": "kRead" if odef["http"]["method"] == "GET" or name in READ_POSTS else "kWrite",
            })

    unknown_reads = READ_POSTS - {o["name"] for o in operations}
    if unknown_reads:
        raise ModelError("READ_POSTS names no operation: %s" % sorted(unknown_reads))

    # Flatten members after all shapes exist (ids are stable).
    for entry in shapes:
        if "mlist" in entry:
            entry["member_first"] = len(members)
            entry["member_count"] = len(entry["mlist"])
            members.extend(entry["mlist"])
    return shapes, members, enum_values, operations


HEADER = "// Generated by api/codegen/gen_api.py from api/models/*.service-2.json. Do not edit.\n"


def render(shapes, members, enum_values, operations):
    ops_hpp = [HEADER, "#pragma once\n\n#include <cstdint>\n\nnamespace chime::api {\n\n",
               "// One value per operation of both services (%d messaging + %d identity).\n" %
               (sum(1 for o in operations if o["service"] == "messaging"),
                sum(1 for o in operations if o["service"] == "identity")),
               "enum class Op : uint16_t {\n"]
    for o in operations:
        ops_hpp.append("  %s,\n" % o["enum"])
    ops_hpp.append("};\n\ninline constexpr int kOperationCount = %d;\n\n}  // namespace chime::api\n" % len(operations))

    cpp = [HEADER, '#include "api/protocol/model.hpp"\n\nnamespace chime::api::model {\nnamespace {\n\n']
    cpp.append("constexpr std::string_view kEnumValues[] = {\n")
    for v in enum_values:
        cpp.append("    %s,\n" % cxx_str(v))
    cpp.append("};\n\nconstexpr MemberDef kMembers[] = {\n")
    for m in members:
        cpp.append("    {%s, %s, Location::%s, %d, %s, %s},\n" % (
            cxx_str(m["name"]), cxx_str(m["wire"]), m["loc"], m["shape"],
            "true" if m["required"] else "false", "true" if m["idem"] else "false"))
    cpp.append("};\n\nconstexpr ShapeDef kShapes[] = {\n")
    for s in shapes:
        d = s["def"]
        cpp.append("    {%s, Kind::%s, %s, %s, %dLL, %dLL, PatternId::%s, %s, %d, %d, %d, %d, %d, %d},\n" % (
            cxx_str(s["name"]), KINDS[d["type"]],
            "true" if "min" in d else "false", "true" if "max" in d else "false",
            int(d.get("min", 0)), int(d.get("max", 0)), s["pattern"],
            "true" if d.get("sensitive") else "false",
            s["enum_first"], s["enum_count"], s["member_first"], s["member_count"], s["element"], s["key"]))
    cpp.append("};\n\n")
    seg_lines = ["constexpr PathSegment kSegments[] = {\n"]
    seg_count = 0
    op_lines = ["constexpr OperationDef kOperations[] = {\n"]
    for o in operations:
        first = seg_count
        for kind, text in o["segments"]:
            seg_lines.append("    {%s, %s},\n" % ("true" if kind == "label" else "false", cxx_str(text)))
            seg_count += 1
        mask = " | ".join("ErrorBit(ErrorType::k%s)" % e[:-len("Exception")] for e in o["errors"]) or "0"
        op_lines.append("    {Op::%s, Service::k%s, %s, %s, %s, %d, %d, %s, %s, %d, %d, %d, %s, Access::%s},\n" % (
            o["enum"], o["service"].capitalize(), cxx_str(o["name"]), cxx_str(o["method"]),
            cxx_str(o["template"]), first, len(o["segments"]), cxx_str(o["qkey"]), cxx_str(o["qval"]),
            o["status"], o["input"], o["output"], mask, o["access"]))
    seg_lines.append("};\n\n")
    op_lines.append("};\n\n")
    cpp.extend(seg_lines)
    cpp.extend(op_lines)
    cpp.append("static_assert(std::size(kOperations) == kOperationCount);\n\n}  // namespace\n\n")
    cpp.append("std::span<const OperationDef> Operations() { return kOperations; }\n")
    cpp.append("std::span<const ShapeDef> Shapes() { return kShapes; }\n")
    cpp.append("std::span<const MemberDef> AllMembers() { return kMembers; }\n")
    cpp.append("std::span<const std::string_view> AllEnumValues() { return kEnumValues; }\n")
    cpp.append("std::span<const PathSegment> AllSegments() { return kSegments; }\n")
    cpp.append("\n}  // namespace chime::api::model\n")
    return {"operations.hpp": "".join(ops_hpp), "model_tables.cpp": "".join(cpp)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="fail if api/generated is out of date")
    ap.add_argument("--out", default=os.path.join(API_DIR, "generated"))
    args = ap.parse_args()
    try:
        files = render(*generate())
    except ModelError as e:
        print("gen_api.py: unsupported model feature: %s" % e, file=sys.stderr)
        return 2
    if args.check:
        stale = []
        for name, text in files.items():
            path = os.path.join(args.out, name)
            try:
                with open(path, encoding="utf-8") as f:
                    if f.read() != text:
                        stale.append(name)
            except FileNotFoundError:
                stale.append(name)
        if stale:
            print("gen_api.py: %s out of date; run api/codegen/gen_api.py" % ", ".join(stale), file=sys.stderr)
            return 1
        print("gen_api.py: api/generated matches the models (%d files)" % len(files))
        return 0
    os.makedirs(args.out, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
            f.write(text)
    print("gen_api.py: wrote %s" % ", ".join(sorted(files)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
