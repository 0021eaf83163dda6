package main

// The MeshService controller of Kuma 2.9, as the oracle runs it: its fields differ between versions.

import (
	"github.com/go-logr/logr"
	kube_record "k8s.io/client-go/tools/record"
	kube_client "sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kumahq/kuma/pkg/plugins/runtime/k8s/controllers"
)

func newReconciler(c kube_client.Client) *controllers.MeshServiceReconciler {
	return &controllers.MeshServiceReconciler{
		Client:            c,
		EventRecorder:     &kube_record.FakeRecorder{},
		Log:               logr.Discard(),
		Scheme:            scheme,
		ResourceConverter: converter,
	}
}
