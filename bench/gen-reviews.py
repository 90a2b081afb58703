#!/usr/bin/env python3
"""Writes the AdmissionReview bodies `make bench` sends, into the directory given as argument.

review-2k.json    a ~2 KB Pod CREATE in team-a pulling from registry.example.com and Docker Hub:
                  under examples/policy.yaml it gets a patch adding regcred and dockerhub.
review-20k.json   the same Pod with 50 containers (~20 KB).
review-newns.json the 2 KB review with the namespace written as __NS__ (bench/new-namespace.lua
                  replaces it with a fresh name per request).
"""
import json, sys, os

def container(i, image):
    return {
        "name": f"app-{i}", "image": image, "imagePullPolicy": "IfNotPresent",
        "ports": [{"name": "http", "containerPort": 8080 + i, "protocol": "TCP"}],
        "env": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
    }

def review(namespace, containers):
    images = ["registry.example.com/team-a/web:1.4.2", "nginx:1.27"]
    pod = {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "generateName": "web-7d4b9c8f6-", "namespace": namespace,
            "labels": {"app": "web", "pod-template-hash": "7d4b9c8f6", "app.kubernetes.io/part-of": "shop"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d4b9c8f6",
                                 "uid": "b1c2d3e4-0000-4000-8000-000000000001", "controller": True, "blockOwnerDeletion": True}],
        },
        "spec": {
            "containers": [container(i, images[i % 2]) for i in range(containers)],
            "volumes": [{"name": "kube-api-access-x7k2p", "projected": {"defaultMode": 420, "sources": [{"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}]}}],
            "restartPolicy": "Always", "serviceAccountName": "default", "dnsPolicy": "ClusterFirst",
            "schedulerName": "default-scheduler", "terminationGracePeriodSeconds": 30, "enableServiceLinks": True,
        },
        "status": {},
    }
    return {
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {
            "uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "resource": {"group": "", "version": "v1", "resource": "pods"},
            "requestKind": {"group": "", "version": "v1", "kind": "Pod"},
            "requestResource": {"group": "", "version": "v1", "resource": "pods"},
            "name": "", "namespace": namespace, "operation": "CREATE",
            "userInfo": {"username": "system:serviceaccount:kube-system:replicaset-controller", "uid": "2f3bc4a1-9a0e-4d5b-8c47-1a2b3c4d5e6f",
                         "groups": ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"]},
            "object": pod, "oldObject": None, "dryRun": False,
            "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"},
        },
    }

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, body in [("review-2k.json", review("team-a", 2)), ("review-20k.json", review("team-a", 50)),
                   ("review-newns.json", review("__NS__", 2))]:
    with open(os.path.join(out, name), "w") as f:
        json.dump(body, f, separators=(",", ":"))
