package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	apiextensions "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	metav1validation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	kube_runtime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
	"sigs.k8s.io/yaml"

	jsonpatch "github.com/evanphx/json-patch/v5"

	config_core "github.com/kumahq/kuma/v2/pkg/config/core"
	core_model "github.com/kumahq/kuma/v2/pkg/core/resources/model"
	core_registry "github.com/kumahq/kuma/v2/pkg/core/resources/registry"
	k8s_common "github.com/kumahq/kuma/v2/pkg/plugins/common/k8s"
	k8s "github.com/kumahq/kuma/v2/pkg/plugins/resources/k8s"
	native_v1alpha1 "github.com/kumahq/kuma/v2/pkg/plugins/resources/k8s/native/api/v1alpha1"
	k8s_registry "github.com/kumahq/kuma/v2/pkg/plugins/resources/k8s/native/pkg/registry"
	"github.com/kumahq/kuma/v2/pkg/plugins/runtime/k8s/webhooks"
)

const systemNamespace = "kuma-system"

type crdVersion struct {
	namespaced bool
	structural *structuralschema.Structural
	validator  apiservervalidation.SchemaValidator
}

var (
	crds      = map[string]*crdVersion{} // by kind
	scheme    = kube_runtime.NewScheme()
	converter k8s_common.Converter
)

func initKubernetes(dir string) error {
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return err
	}
	if err := native_v1alpha1.AddToScheme(scheme); err != nil {
		return err
	}
	if err := core_registry.AddToScheme(scheme); err != nil {
		return err
	}
	converter = k8s.NewSimpleConverter()
	if dir == "" {
		return nil
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return err
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.Unmarshal(b, crd); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		internal := &apiextensions.CustomResourceDefinition{}
		if err := apiextensionsv1.Convert_v1_CustomResourceDefinition_To_apiextensions_CustomResourceDefinition(crd, internal, nil); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		for _, v := range internal.Spec.Versions {
			// the internal form keeps a schema shared by every version at the top
			validation := v.Schema
			if validation == nil {
				validation = internal.Spec.Validation
			}
			if !v.Served || validation == nil || validation.OpenAPIV3Schema == nil {
				continue
			}
			s := validation.OpenAPIV3Schema
			ss, err := structuralschema.NewStructural(s)
			if err != nil {
				return fmt.Errorf("%s: structural: %w", f, err)
			}
			val, _, err := apiservervalidation.NewSchemaValidator(s)
			if err != nil {
				return fmt.Errorf("%s: validator: %w", f, err)
			}
			crds[internal.Spec.Names.Kind] = &crdVersion{
				namespaced: internal.Spec.Scope == apiextensions.NamespaceScoped,
				structural: ss,
				validator:  val,
			}
		}
	}
	if len(crds) == 0 {
		return fmt.Errorf("no CRD in %s", dir)
	}
	return nil
}

// validateKubernetes runs what the API server and Kuma's admission webhook run on `kubectl apply`
// (strict field validation, kubectl's default): decoding with unknown-field detection (pruning),
// defaulting, the CRD's structural-schema validation, ObjectMeta validation, then Kuma's
// validating webhook (namespace / origin checks, mesh, Validate(), Deprecations()).
func validateKubernetes(req request) response {
	obj := map[string]any{}
	if err := yaml.Unmarshal([]byte(req.YAML), &obj); err != nil {
		return response{Stage: "parse", Error: err.Error()}
	}
	kind, _ := obj["kind"].(string)
	resp := response{Kind: kind}
	crd := crds[kind]
	if crd == nil {
		resp.Stage = "parse"
		resp.Error = "no CRD for kind " + kind
		return resp
	}
	md, isMap := obj["metadata"].(map[string]any)
	if raw, present := obj["metadata"]; present && raw != nil && !isMap {
		// the API server cannot decode it into ObjectMeta
		resp.Stage = "parse"
		resp.Violations = append(resp.Violations, violation{Field: "metadata", Message: fmt.Sprintf("json: cannot unmarshal %T into Go struct field .metadata of type v1.ObjectMeta", raw)})
		return resp
	}
	if md == nil {
		md = map[string]any{}
		obj["metadata"] = md
	}
	if raw, present := md["namespace"]; present && raw != nil {
		if _, ok := raw.(string); !ok {
			// the API server cannot decode it into ObjectMeta either
			resp.Stage = "parse"
			resp.Violations = append(resp.Violations, violation{Field: "metadata.namespace", Message: fmt.Sprintf("json: cannot unmarshal %T into Go struct field ObjectMeta.metadata.namespace of type string", raw)})
			return resp
		}
	}
	ns := req.Namespace
	if crd.namespaced {
		if s, ok := md["namespace"].(string); ok && s != "" {
			ns = s
		}
		if ns == "" {
			ns = "default"
		}
		md["namespace"] = ns
	} else {
		ns = ""
		delete(md, "namespace")
	}

	// unknown fields: with fieldValidation=Strict (kubectl's default) the API server rejects them
	unknown := pruning.PruneWithOptions(obj, crd.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})
	sort.Strings(unknown)
	for _, p := range unknown {
		if strings.HasPrefix(p, "metadata.") {
			continue // ObjectMeta fields are not pruned by the CRD schema
		}
		resp.Violations = append(resp.Violations, violation{Field: p, Message: fmt.Sprintf("unknown field %q", p)})
	}
	structuraldefaulting.Default(obj, crd.structural)

	// Kuma's mutating webhook runs before the API server's schema validation; it rejects a policy
	// whose role cannot be computed and labels the others (kuma.io/policy-role, which the
	// validating webhook reads). A document with unknown fields never gets there (strict decoding).
	if len(resp.Violations) == 0 {
		if denied := mutate(obj, kind, ns, req); denied != nil {
			denied.Kind = kind
			return *denied
		}
		structuraldefaulting.Default(obj, crd.structural)
	}

	u := &unstructured.Unstructured{Object: obj}
	var errs field.ErrorList
	errs = append(errs, apiservervalidation.ValidateCustomResource(nil, obj, crd.validator)...)
	errs = append(errs, metav1validation.ValidateObjectMetaAccessor(u, crd.namespaced, metav1validation.NameIsDNSSubdomain, field.NewPath("metadata"))...)
	for _, e := range errs {
		resp.Violations = append(resp.Violations, violation{Field: e.Field, Message: e.ErrorBody()})
	}
	if len(resp.Violations) > 0 {
		resp.Stage = "schema"
		return resp
	}

	raw, err := json.Marshal(obj)
	if err != nil {
		resp.Error = err.Error()
		return resp
	}
	handler := webhooks.NewValidatingWebhook(converter, core_registry.Global(), k8s_registry.Global(), admissionChecker(req))
	handler.InjectDecoder(admission.NewDecoder(scheme))
	res := handler.Handle(context.Background(), admissionRequest(kind, u.GetAPIVersion(), u.GetName(), ns, raw))
	resp.Warnings = res.Warnings
	if res.Allowed {
		resp.Accepted = true
		return resp
	}
	resp.Stage = "admission"
	if res.Result != nil {
		if res.Result.Details != nil && len(res.Result.Details.Causes) > 0 {
			for _, c := range res.Result.Details.Causes {
				resp.Violations = append(resp.Violations, violation{Field: c.Field, Message: c.Message})
			}
		} else {
			resp.Violations = append(resp.Violations, violation{Field: "", Message: res.Result.Message})
		}
	}
	return resp
}

// admissionChecker is the ResourceAdmissionChecker of the control plane the request names: a zone
// (default), a global, or a federated zone, with system namespace kuma-system.
func admissionChecker(req request) webhooks.ResourceAdmissionChecker {
	checker := webhooks.ResourceAdmissionChecker{
		AllowedUsers:    []string{"system:serviceaccount:kuma-system:kuma-control-plane"},
		Mode:            config_core.Zone,
		SystemNamespace: systemNamespace,
		ZoneName:        "zone-1",
	}
	switch req.Role {
	case "global":
		checker.Mode = config_core.Global
	case "federated-zone":
		checker.FederatedZone = true
	}
	return checker
}

// admissionRequest is what the API server sends Kuma's webhooks for `kubectl apply` by an ordinary user.
func admissionRequest(kind, apiVersion, name, ns string, raw []byte) admission.Request {
	gvk := schema.FromAPIVersionAndKind(apiVersion, kind)
	return admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
		UID:       "oracle",
		Kind:      metav1GVK(gvk),
		Resource:  metav1GVR(gvk),
		Name:      name,
		Namespace: ns,
		Operation: admissionv1.Create,
		UserInfo:  authenticationv1.UserInfo{Username: "kubernetes-admin"},
		Object:    kube_runtime.RawExtension{Raw: raw},
	}}
}

// mutate runs Kuma's defaulting webhook (webhooks.DefaultingWebhookFor, served at
// /default-kuma-io-v1alpha1-mesh) on a targetRef policy, as the API server does before it validates
// the object: Default(), the admission checks, then the labels Kuma computes (kuma.io/mesh,
// kuma.io/origin, kuma.io/zone, kuma.io/env, k8s.kuma.io/namespace and, in an app namespace,
// kuma.io/policy-role, whose computation rejects a policy mixing `to` and `from`, or producer and
// consumer items). The patch it answers is applied to obj. Other kinds are left as they were.
func mutate(obj map[string]any, kind, ns string, req request) *response {
	desc, err := core_registry.Global().DescriptorFor(core_model.ResourceType(kind))
	if err != nil || !desc.IsPolicy || !desc.IsPluginOriginated {
		return nil
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		return &response{Stage: "mutate", Error: err.Error()}
	}
	u := &unstructured.Unstructured{Object: obj}
	wh := webhooks.DefaultingWebhookFor(scheme, converter, admissionChecker(req))
	res := wh.Handler.Handle(context.Background(), admissionRequest(kind, u.GetAPIVersion(), u.GetName(), ns, raw))
	if !res.Allowed {
		resp := &response{Stage: "mutate"}
		if res.Result != nil {
			if res.Result.Details != nil && len(res.Result.Details.Causes) > 0 {
				for _, c := range res.Result.Details.Causes {
					resp.Violations = append(resp.Violations, violation{Field: c.Field, Message: c.Message})
				}
			} else {
				resp.Violations = append(resp.Violations, violation{Field: "", Message: res.Result.Message})
			}
		}
		return resp
	}
	if len(res.Patches) == 0 {
		return nil
	}
	ops, err := json.Marshal(res.Patches)
	if err != nil {
		return &response{Stage: "mutate", Error: err.Error()}
	}
	p, err := jsonpatch.DecodePatch(ops)
	if err != nil {
		return &response{Stage: "mutate", Error: err.Error()}
	}
	patched, err := p.Apply(raw)
	if err != nil {
		return &response{Stage: "mutate", Error: err.Error()}
	}
	out := map[string]any{}
	if err := json.Unmarshal(patched, &out); err != nil {
		return &response{Stage: "mutate", Error: err.Error()}
	}
	for k := range obj {
		delete(obj, k)
	}
	for k, v := range out {
		obj[k] = v
	}
	return nil
}
