"""Seeds chime-local for the benchmark over plain HTTP (stdlib only): an app instance, an owner
(the channel creator, a moderator) and a sender who is a member of the channel.
Prints "<channel arn> <sender arn>".   Usage: python3 seed.py http://127.0.0.1:PORT"""
import json
import sys
import urllib.request
import uuid

ep = sys.argv[1]


def call(method, path, body, bearer=None):
    req = urllib.request.Request(ep + path, method=method, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    if bearer:
        req.add_header("x-amz-chime-bearer", bearer)
    with urllib.request.urlopen(req) as r:
        return json.load(r)


def tok():
    return str(uuid.uuid4())


app = call("POST", "/app-instances", {"Name": "bench", "ClientRequestToken": tok()})["AppInstanceArn"]


def user(uid):
    return call("POST", "/app-instance-users", {"AppInstanceArn": app, "AppInstanceUserId": uid,
                                                "Name": uid, "ClientRequestToken": tok()})["AppInstanceUserArn"]


owner, sender = user("owner"), user("sender")
channel = call("POST", "/channels", {"AppInstanceArn": app, "Name": "bench", "ClientRequestToken": tok(),
                                     "MemberArns": [sender]}, bearer=owner)["ChannelArn"]
print(channel, sender)
