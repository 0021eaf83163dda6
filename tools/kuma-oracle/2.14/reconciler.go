package main

// The MeshService controller of Kuma 2.14, as the oracle runs it: its fields differ between versions.

import (
	"github.com/go-logr/logr"
	kube_events "k8s.io/client-go/tools/events"
	kube_client "sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kumahq/kuma/v2/pkg/plugins/runtime/k8s/controllers"
)

func newReconciler(c kube_client.Client) *controllers.MeshServiceReconciler {
	return &controllers.MeshServiceReconciler{
		Client:            c,
		EventRecorder:     &kube_events.FakeRecorder{},
		Log:               logr.Discard(),
		Scheme:            scheme,
		ResourceConverter: converter,
	}
}
