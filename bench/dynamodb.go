package bench

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The DynamoDB workload loads another emulator with the operation closest
// to BatchDeletePhoneNumber that it implements: BatchWriteItem of Batch
// DeleteRequests (25 is DynamoDB's limit). It exists to compare chimevoice
// with the emulator people use today (moto_server) under the same load
// generator, and is not an API chimevoice serves.
const (
	dynamoTable  = "chimevoice-bench"
	dynamoTarget = "DynamoDB_20120810."
)

func (c *client) dynamo(ctx context.Context, action string, body []byte) answer {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/", strings.NewReader(string(body)))
	if err != nil {
		return answer{code: "ClientError"}
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", dynamoTarget+action)
	c.signer.Sign(req, body, time.Now())
	return c.send(ctx, req)
}

// createDynamoTable makes the table the workload deletes from (an existing
// one is fine).
func (c *client) createDynamoTable(ctx context.Context) error {
	a := c.dynamo(ctx, "CreateTable", []byte(`{"TableName":"`+dynamoTable+`","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`))
	if a.code != "" && !strings.Contains(string(a.body), "ResourceInUseException") {
		return fmt.Errorf("DynamoDB CreateTable: %s %s", a.code, a.body)
	}
	return nil
}

func dynamoDeleteBody(nums []string) []byte {
	var b strings.Builder
	b.WriteString(`{"RequestItems":{"` + dynamoTable + `":[`)
	for i, n := range nums {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"DeleteRequest":{"Key":{"pk":{"S":"` + n + `"}}}}`)
	}
	b.WriteString(`]}}`)
	return []byte(b.String())
}

func (w *workload) dynamoDelete(ctx context.Context, c *client, wk *worker, nums []string) {
	start := time.Now()
	a := c.dynamo(ctx, "BatchWriteItem", dynamoDeleteBody(nums))
	if a.code == "Canceled" {
		return
	}
	wk.rec.record("BatchWriteItem", time.Since(start), a, len(nums))
}
