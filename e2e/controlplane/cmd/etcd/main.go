// Command etcd is the etcd server that `make e2e` runs for its kube-apiserver,
// built from go.etcd.io/etcd/server/v3 at the version Kubernetes requires.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
