// Package testcontainers shows chimevoice's container started by
// testcontainers-go. It is a module of its own so that the chimevoice
// module does not depend on the Docker client; run it with an image built
// from the repository's Dockerfile:
//
//	docker build -t chimevoice ../..
//	CHIMEVOICE_IMAGE=chimevoice go test ./...
package testcontainers

import (
	"context"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	tc "github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

// startChimevoice starts the image as a development emulator (the image's
// default without a credentials file) and returns its endpoint.
func startChimevoice(t *testing.T, image string) string {
	t.Helper()
	ctx := context.Background()
	c, err := tc.GenericContainer(ctx, tc.GenericContainerRequest{
		ContainerRequest: tc.ContainerRequest{
			Image:        image,
			ExposedPorts: []string{"8080/tcp"},
			Env:          map[string]string{"CHIMEVOICE_DATA": ":memory:"},
			WaitingFor:   wait.ForHTTP("/_chimevoice/health").WithPort("8080/tcp"),
		},
		Started: true,
	})
	tc.CleanupContainer(t, c)
	if err != nil {
		t.Fatal(err)
	}
	endpoint, err := c.PortEndpoint(ctx, "8080/tcp", "http")
	if err != nil {
		t.Fatal(err)
	}
	return endpoint
}

func TestSearchThroughTheContainer(t *testing.T) {
	image := os.Getenv("CHIMEVOICE_IMAGE")
	if image == "" {
		t.Skip("CHIMEVOICE_IMAGE is not set (docker build -t chimevoice ../..)")
	}
	endpoint := startChimevoice(t, image)
	voice := chimesdkvoice.New(chimesdkvoice.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	out, err := voice.SearchAvailablePhoneNumbers(context.Background(), &chimesdkvoice.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("206"), MaxResults: aws.Int32(2)})
	if err != nil || len(out.E164PhoneNumbers) != 2 {
		t.Fatalf("search: %v %v", out, err)
	}
}
