package main

import (
	"context"
	"errors"

	core_mesh "github.com/kumahq/kuma/v2/pkg/core/resources/apis/mesh"
	"github.com/kumahq/kuma/v2/pkg/core/resources/manager"
	core_model "github.com/kumahq/kuma/v2/pkg/core/resources/model"
	"github.com/kumahq/kuma/v2/pkg/core/resources/model/rest"
	core_store "github.com/kumahq/kuma/v2/pkg/core/resources/store"
	"github.com/kumahq/kuma/v2/pkg/core/validators"
	"github.com/kumahq/kuma/v2/pkg/plugins/resources/memory"
)

// validateUniversal runs what `kumactl apply` and the API server's PUT run on a Universal document:
// rest.YAML.UnmarshalCore (meta, the structural-schema stage of plugin types with defaulting,
// Validate() on the spec), the API server's ValidateMeta (name, mesh), then the resource manager's
// Create (Default(), then Validate() with the resource's meta, e.g. the name length rules) into an
// in-memory store holding the resource's Mesh; Deprecations() gives the warnings.
func validateUniversal(req request) response {
	resp := response{Kind: kindOf([]byte(req.YAML))}
	res, err := rest.YAML.UnmarshalCore([]byte(req.YAML))
	if err != nil {
		return rejected(resp, "validate", err)
	}
	if verr := core_mesh.ValidateMeta(res.GetMeta(), res.Descriptor().Scope); verr.HasViolations() {
		return rejected(resp, "meta", &verr)
	}
	ctx := context.Background()
	st := memory.NewStore()
	if res.Descriptor().Scope == core_model.ScopeMesh {
		if err := st.Create(ctx, core_mesh.NewMeshResource(), core_store.CreateByKey(res.GetMeta().GetMesh(), core_model.NoMesh)); err != nil {
			return rejected(resp, "manager", err)
		}
	}
	if err := manager.NewResourceManager(st).Create(ctx, res, core_store.CreateBy(core_model.MetaToResourceKey(res.GetMeta()))); err != nil {
		return rejected(resp, "manager", err)
	}
	resp.Accepted = true
	resp.Warnings = core_model.Deprecations(res)
	return resp
}

func rejected(resp response, stage string, err error) response {
	resp.Stage = stage
	var verr *validators.ValidationError
	if errors.As(err, &verr) {
		for _, v := range verr.Violations {
			resp.Violations = append(resp.Violations, violation{Field: v.Field, Message: v.Message})
		}
	} else {
		resp.Error = err.Error()
	}
	return resp
}
