module kuma-oracle

go 1.26.5

require github.com/kumahq/kuma/v2 v2.13.10
