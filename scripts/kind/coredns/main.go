// CoreDNS with only the plugins the Corefile kubeadm writes for kind uses.
// The upstream binary compiles every plugin (cloud DNS providers, tracing,
// etcd, ...), which made it the slowest step of a cold toolchain build.
package main

import (
	"github.com/coredns/coredns/coremain"

	// The plugins of kubeadm's default Corefile; the rest stay out.
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/metrics"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"
)

func main() {
	coremain.Run()
}
