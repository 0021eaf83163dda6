// kuma-oracle: answers, with Kuma's own code, whether Kuma accepts a document and what it makes of
// a Service / Dataplane. Reads JSON lines on stdin, writes one JSON line per request on stdout.
// See tools/kuma-oracle/README.md for the protocol.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime/debug"

	"sigs.k8s.io/yaml"

	"github.com/kumahq/kuma/v2/pkg/core/plugins"
	"github.com/kumahq/kuma/v2/pkg/core/resources/apis"
	"github.com/kumahq/kuma/v2/pkg/plugins/policies"
)

type request struct {
	ID        any    `json:"id,omitempty"`
	Op        string `json:"op,omitempty"` // "validate" (default) or "generate"
	Form      string `json:"form"`         // "universal" or "kubernetes"
	YAML      string `json:"yaml"`
	Namespace string `json:"namespace,omitempty"`
	Role      string `json:"role,omitempty"` // control plane: "zone" (default), "global", "federated-zone"
	// generate: the Service / Dataplane is YAML; Objects are the other Kubernetes objects
	// (Namespace, Mesh, EndpointSlices, Pods) or Universal resources (Mesh, Workload...).
	Objects []string `json:"objects,omitempty"`
}

type violation struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

type response struct {
	ID           any              `json:"id,omitempty"`
	Kind         string           `json:"kind,omitempty"`
	Accepted     bool             `json:"accepted"`
	Stage        string           `json:"stage,omitempty"` // where it was rejected: parse, schema, meta, validate, admission
	Violations   []violation      `json:"violations"`
	Warnings     []string         `json:"warnings"`
	Error        string           `json:"error,omitempty"`
	MeshServices []map[string]any `json:"meshServices,omitempty"`
	Skipped      []string         `json:"skipped,omitempty"`
}

var crdDir = flag.String("crds", "", "directory of Kuma's CRDs (deployments/charts/kuma/crds of the pack)")

func main() {
	flag.Parse()
	plugins.InitAll(apis.NameToModule)
	plugins.InitAll(policies.NameToModule)
	if err := initKubernetes(*crdDir); err != nil {
		fmt.Fprintln(os.Stderr, "kuma-oracle:", err)
		os.Exit(2)
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 0, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		line := in.Bytes()
		if len(line) == 0 {
			continue
		}
		var req request
		var resp response
		if err := json.Unmarshal(line, &req); err != nil {
			resp = response{Error: "bad request: " + err.Error(), Stage: "parse"}
		} else {
			resp = handle(req)
		}
		resp.ID = req.ID
		if resp.Violations == nil {
			resp.Violations = []violation{}
		}
		if resp.Warnings == nil {
			resp.Warnings = []string{}
		}
		_ = enc.Encode(resp)
		_ = out.Flush()
	}
}

func handle(req request) (resp response) {
	defer func() {
		if r := recover(); r != nil {
			resp = response{Error: fmt.Sprintf("panic: %v\n%s", r, debug.Stack()), Stage: "panic"}
		}
	}()
	switch req.Op {
	case "", "validate":
		switch req.Form {
		case "kubernetes":
			return validateKubernetes(req)
		default:
			return validateUniversal(req)
		}
	case "generate":
		return generate(req)
	}
	return response{Error: "unknown op " + req.Op}
}

func kindOf(doc []byte) string {
	m := map[string]any{}
	_ = yaml.Unmarshal(doc, &m)
	if k, ok := m["kind"].(string); ok {
		return k
	}
	if t, ok := m["type"].(string); ok {
		return t
	}
	return ""
}
