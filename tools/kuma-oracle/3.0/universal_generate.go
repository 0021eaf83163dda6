package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"sort"
	"time"

	"os"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"

	kuma_cp "github.com/kumahq/kuma/v3/pkg/config/app/kuma-cp"
	core_mesh "github.com/kumahq/kuma/v3/pkg/core/resources/apis/mesh"
	meshservice_api "github.com/kumahq/kuma/v3/pkg/core/resources/apis/meshservice/api/v1alpha1"
	ms_generate "github.com/kumahq/kuma/v3/pkg/core/resources/apis/meshservice/generate"
	"github.com/kumahq/kuma/v3/pkg/core/resources/manager"
	core_model "github.com/kumahq/kuma/v3/pkg/core/resources/model"
	"github.com/kumahq/kuma/v3/pkg/core/resources/model/rest"
	core_registry "github.com/kumahq/kuma/v3/pkg/core/resources/registry"
	core_store "github.com/kumahq/kuma/v3/pkg/core/resources/store"
	"github.com/kumahq/kuma/v3/pkg/core/user"
	core_metrics "github.com/kumahq/kuma/v3/pkg/metrics"
	"github.com/kumahq/kuma/v3/pkg/plugins/resources/memory"
	mesh_cache "github.com/kumahq/kuma/v3/pkg/xds/cache/mesh"
	xds_context "github.com/kumahq/kuma/v3/pkg/xds/context"
)

// meshResourceTypes is pkg/xds/server.MeshResourceTypes (that package pulls in the whole xDS
// server): the mesh-scoped types a MeshContext is built from, plus Mesh.
func meshResourceTypes() []core_model.ResourceType {
	types := []core_model.ResourceType{core_mesh.MeshType}
	for _, desc := range core_registry.Global().ObjectDescriptors() {
		if desc.Scope == core_model.ScopeMesh && desc.Name != core_mesh.DataplaneInsightType && desc.Name != core_mesh.ServiceInsightType {
			types = append(types, desc.Name)
		}
	}
	return types
}

// generateUniversal runs Kuma's Universal MeshService generator (pkg/core/resources/apis/meshservice/generate)
// over an in-memory store holding the Universal resources of req.YAML and req.Objects (Meshes,
// Dataplanes, MeshServices...), with the default configuration (zone "zone-1", no label propagation),
// and returns the MeshServices in the store once it has run.
func generateUniversal(req request) response {
	resp := response{}
	ctx := user.Ctx(context.Background(), user.ControlPlane)
	st := memory.NewStore()
	rm := manager.NewResourceManager(st)
	docs := splitDocs(req.YAML)
	for _, o := range req.Objects {
		docs = append(docs, splitDocs(o)...)
	}
	// Meshes first (the other resources belong to one); like a fresh control plane, the store holds
	// Mesh "default" unless the input defines it (Kuma's defaults component creates it at start).
	var resources []core_model.Resource
	hasDefault := false
	for _, d := range docs {
		if kindOf([]byte(d)) == "" {
			continue
		}
		res, err := rest.YAML.UnmarshalCore([]byte(d))
		if err != nil {
			resp.Skipped = append(resp.Skipped, err.Error())
			continue
		}
		if res.Descriptor().Name == core_mesh.MeshType {
			if res.GetMeta().GetName() == core_model.DefaultMesh {
				hasDefault = true
			}
			resources = append([]core_model.Resource{res}, resources...)
		} else {
			resources = append(resources, res)
		}
	}
	if !hasDefault {
		if err := rm.Create(ctx, core_mesh.NewMeshResource(), core_store.CreateByKey(core_model.DefaultMesh, core_model.NoMesh)); err != nil {
			resp.Skipped = append(resp.Skipped, err.Error())
		}
	}
	for _, res := range resources {
		// as the API server does: the store takes the labels from the options
		if err := rm.Create(ctx, res, core_store.CreateBy(core_model.MetaToResourceKey(res.GetMeta())), core_store.CreateWithLabels(res.GetMeta().GetLabels())); err != nil {
			resp.Skipped = append(resp.Skipped, err.Error())
		}
	}
	metrics, err := core_metrics.NewMetrics("zone-1")
	if err != nil {
		resp.Error = err.Error()
		return resp
	}
	builder := xds_context.NewMeshContextBuilder(rm, meshResourceTypes(), net.LookupIP, "zone-1")
	cache, err := mesh_cache.NewCache(0, builder, metrics)
	if err != nil {
		resp.Error = err.Error()
		return resp
	}
	cfg := kuma_cp.DefaultConfig()
	logger := logr.Discard()
	if os.Getenv("KUMA_ORACLE_DEBUG") != "" {
		logger = funcr.New(func(prefix, args string) { _, _ = os.Stderr.WriteString(prefix + " " + args + "\n") }, funcr.Options{Verbosity: 10})
	}
	gen, err := ms_generate.New(logger, 20*time.Millisecond, cfg.MeshService.DeletionGracePeriod.Duration, metrics, rm, cache, "zone-1", cfg.MeshService.LabelPropagation)
	if err != nil {
		resp.Error = err.Error()
		return resp
	}
	if os.Getenv("KUMA_ORACLE_DEBUG") != "" {
		meshes := &core_mesh.MeshResourceList{}
		dps := &core_mesh.DataplaneResourceList{}
		_ = rm.List(ctx, meshes)
		_ = rm.List(ctx, dps)
		mc, err := builder.Build(ctx, core_model.DefaultMesh)
		_, _ = os.Stderr.WriteString(fmt.Sprintf("meshes %d dataplanes %d; mesh context: %d dataplanes, err %v\n", len(meshes.Items), len(dps.Items), len(mc.Resources.Dataplanes().Items), err))
	}
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- gen.Start(stop) }()
	time.Sleep(150 * time.Millisecond)
	close(stop)
	if err := <-done; err != nil {
		resp.Error = err.Error()
		return resp
	}
	list := &meshservice_api.MeshServiceResourceList{}
	if err := rm.List(ctx, list); err != nil {
		resp.Error = err.Error()
		return resp
	}
	sort.Slice(list.Items, func(i, j int) bool { return list.Items[i].GetMeta().GetName() < list.Items[j].GetMeta().GetName() })
	for _, ms := range list.Items {
		spec := map[string]any{}
		b, _ := json.Marshal(ms.Spec)
		_ = json.Unmarshal(b, &spec)
		resp.MeshServices = append(resp.MeshServices, map[string]any{
			"type":   "MeshService",
			"name":   ms.GetMeta().GetName(),
			"mesh":   ms.GetMeta().GetMesh(),
			"labels": ms.GetMeta().GetLabels(),
			"spec":   spec,
		})
	}
	resp.Accepted = true
	return resp
}
