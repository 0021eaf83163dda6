module kuma-oracle

go 1.26.6

// Kuma 3.0 (main) at commit 348b6528bc23; see 2.9/go.mod about the pseudo-version timestamp.
require github.com/kumahq/kuma/v3 v3.0.0-00010101000000-348b6528bc23
