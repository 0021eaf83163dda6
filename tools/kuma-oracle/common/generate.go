package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	kube_core "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	kube_types "k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	kube_ctrl "sigs.k8s.io/controller-runtime"
	kube_client "sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/yaml"

	meshservice_k8s "github.com/kumahq/kuma/v2/pkg/core/resources/apis/meshservice/k8s/v1alpha1"
)

// generate runs Kuma's MeshService generation on the documents of req.YAML plus req.Objects.
// Kubernetes: the MeshService controller's Reconcile for every Service, over a fake client holding
// every object (as Kuma's controller tests do), after the API server's defaults for Services
// (protocol TCP, targetPort = port, a cluster IP unless headless or ExternalName).
func generate(req request) response {
	if req.Form == "universal" {
		return generateUniversal(req)
	}
	docs := splitDocs(req.YAML)
	for _, o := range req.Objects {
		docs = append(docs, splitDocs(o)...)
	}
	decoder := serializer.NewCodecFactory(scheme).UniversalDeserializer()
	var objs []kube_client.Object
	var services []*kube_core.Service
	resp := response{}
	for _, d := range docs {
		j, err := yaml.YAMLToJSON([]byte(d))
		if err != nil {
			resp.Skipped = append(resp.Skipped, "invalid YAML: "+err.Error())
			continue
		}
		if strings.TrimSpace(string(j)) == "null" {
			continue
		}
		obj, _, err := decoder.Decode(j, nil, nil)
		if err != nil {
			resp.Skipped = append(resp.Skipped, err.Error())
			continue
		}
		co, ok := obj.(kube_client.Object)
		if !ok {
			continue
		}
		if svc, ok := co.(*kube_core.Service); ok {
			defaultService(svc, len(services))
			services = append(services, svc)
		}
		if co.GetUID() == "" {
			co.SetUID(kube_types.UID(fmt.Sprintf("uid-%s-%s-%s", co.GetObjectKind().GroupVersionKind().Kind, co.GetNamespace(), co.GetName())))
		}
		objs = append(objs, co)
	}
	c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(objs...).Build()
	r := newReconciler(c)
	for _, svc := range services {
		if _, err := r.Reconcile(context.Background(), kube_ctrl.Request{NamespacedName: kube_types.NamespacedName{Namespace: svc.Namespace, Name: svc.Name}}); err != nil {
			resp.Skipped = append(resp.Skipped, fmt.Sprintf("%s/%s: %v", svc.Namespace, svc.Name, err))
		}
	}
	list := &meshservice_k8s.MeshServiceList{}
	if err := c.List(context.Background(), list); err != nil {
		resp.Error = err.Error()
		return resp
	}
	sort.Slice(list.Items, func(i, j int) bool {
		a, b := list.Items[i], list.Items[j]
		return a.Namespace+"/"+a.Name < b.Namespace+"/"+b.Name
	})
	for _, ms := range list.Items {
		m := map[string]any{}
		b, _ := json.Marshal(ms)
		_ = json.Unmarshal(b, &m)
		md, _ := m["metadata"].(map[string]any)
		out := map[string]any{
			"apiVersion": "kuma.io/v1alpha1",
			"kind":       "MeshService",
			"metadata": map[string]any{
				"name":      md["name"],
				"namespace": md["namespace"],
				"labels":    md["labels"],
			},
			"spec": m["spec"],
		}
		// In a cluster the controller's create goes through the API server and Kuma's webhook: a
		// MeshService they reject is never made (the fake client validates nothing).
		b, _ = json.Marshal(out)
		if v := validateKubernetes(request{Form: "kubernetes", YAML: string(b)}); !v.Accepted {
			resp.Skipped = append(resp.Skipped, fmt.Sprintf("MeshService %s/%s is rejected on creation: %v %s", ms.Namespace, ms.Name, v.Violations, v.Error))
			continue
		}
		resp.MeshServices = append(resp.MeshServices, out)
	}
	resp.Accepted = true
	return resp
}

// defaultService applies what the API server sets on a Service the controller reads.
func defaultService(svc *kube_core.Service, i int) {
	if svc.Namespace == "" {
		svc.Namespace = "default"
	}
	if svc.Spec.Type == "" {
		svc.Spec.Type = kube_core.ServiceTypeClusterIP
	}
	if svc.Spec.ClusterIP == "" && svc.Spec.Type != kube_core.ServiceTypeExternalName {
		svc.Spec.ClusterIP = fmt.Sprintf("10.96.%d.%d", (i/250)%250, 10+i%250)
	}
	for p := range svc.Spec.Ports {
		port := &svc.Spec.Ports[p]
		if port.Protocol == "" {
			port.Protocol = kube_core.ProtocolTCP
		}
		if port.TargetPort.Type == intstr.Int && port.TargetPort.IntVal == 0 {
			port.TargetPort = intstr.FromInt32(port.Port)
		}
	}
}

func splitDocs(s string) []string {
	var out []string
	cur := []string{}
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "---") && strings.TrimSpace(strings.SplitN(line, "#", 2)[0]) == "---" {
			out = append(out, strings.Join(cur, "\n"))
			cur = []string{}
			continue
		}
		cur = append(cur, line)
	}
	out = append(out, strings.Join(cur, "\n"))
	return out
}
