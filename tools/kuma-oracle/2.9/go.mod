module kuma-oracle

go 1.26.5

// Kuma 2.9.19 is commit 924476e2052f of github.com/kumahq/kuma (no Go-module tag of that module
// path). The pseudo-version timestamp is not known offline: scripts/oracle-build.sh replaces the
// module with the pack anyway.
require github.com/kumahq/kuma v0.0.0-00010101000000-924476e2052f
