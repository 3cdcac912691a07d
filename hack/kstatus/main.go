// Command kstatus prints how kstatus (sigs.k8s.io/cli-utils/pkg/kstatus/status, the library behind Flux's
// health checks and the model of Argo CD's) reads one Kubernetes object: the object as JSON on stdin,
// {"status": "Current" | "InProgress" | "Failed" | ..., "message": "..."} on stdout. The health tests
// (test/integration/health.test.ts) run it on ScheduledEcsJobs read from the real apiserver.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

func main() {
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kstatus: reading stdin:", err)
		os.Exit(2)
	}
	// Unstructured's own decoding keeps integers as int64, which kstatus's field accessors require.
	object := &unstructured.Unstructured{}
	if err := object.UnmarshalJSON(data); err != nil {
		fmt.Fprintln(os.Stderr, "kstatus: the input is not a Kubernetes object:", err)
		os.Exit(2)
	}
	result, err := status.Compute(object)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kstatus:", err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(map[string]string{"status": result.Status.String(), "message": result.Message}); err != nil {
		os.Exit(1)
	}
}
