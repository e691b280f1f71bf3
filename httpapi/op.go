package httpapi

import (
	"context"

	"github.com/chimevoice/chimevoice"
)

// handler serves one operation: it returns the output to encode, or an error.
type handler func(ctx context.Context, c *call) (any, error)

// op adapts a domain call to a handler: the operation's input, already
// validated against the model, is decoded into In (members by name), and
// fn calls the service and shapes the output. A handler is its input type,
// its service call and its output shape; everything else is the pipeline's.
func op[In any](fn func(ctx context.Context, c chimevoice.Caller, in In) (any, error)) handler {
	return func(ctx context.Context, c *call) (any, error) {
		var in In
		if err := c.decode(&in); err != nil {
			return nil, err
		}
		return fn(ctx, c.caller, in)
	}
}

// out shapes a service's answer: its error, or wrap of its value. Used as
// out(wrap)(service call), it turns "call, check, wrap" into one line.
func out[T any](wrap func(T) any) func(T, error) (any, error) {
	return func(v T, err error) (any, error) {
		if err != nil {
			return nil, err
		}
		return wrap(v), nil
	}
}

// empty is the answer of an operation whose output has no members: {}.
func empty(err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

// getter serves an operation that reads one resource by an ID member
// (a path parameter the model requires).
func getter[T any](member string, get func(context.Context, chimevoice.Caller, string) (T, error), wrap func(T) any) handler {
	return func(ctx context.Context, c *call) (any, error) {
		return out(wrap)(get(ctx, c.caller, c.str(member)))
	}
}

// deleter serves an operation that deletes one resource by an ID member.
func deleter(member string, del func(context.Context, chimevoice.Caller, string) error) handler {
	return func(ctx context.Context, c *call) (any, error) {
		return nil, del(ctx, c.caller, c.str(member))
	}
}

// pageIn is the paging part of every list input.
type pageIn struct {
	MaxResults int
	NextToken  string
}

func (p pageIn) page() chimevoice.Page {
	return chimevoice.Page{Limit: p.MaxResults, NextToken: p.NextToken}
}

// lister serves a list operation whose input has only paging members;
// the items go out under the output member items.
func lister[T, O any](items string, list func(context.Context, chimevoice.Caller, chimevoice.Page) ([]T, string, error), conv func(T) O) handler {
	return op(func(ctx context.Context, c chimevoice.Caller, in pageIn) (any, error) {
		return page(items, conv)(list(ctx, c, in.page()))
	})
}

// page shapes a page of a list: the items converted under their member
// name, and NextToken when there are more.
func page[T, O any](items string, conv func(T) O) func([]T, string, error) (any, error) {
	return func(xs []T, next string, err error) (any, error) {
		if err != nil {
			return nil, err
		}
		return listed(items, convert(xs, conv), next), nil
	}
}

// listed is the output of a list operation: the items under their member
// name, and NextToken when there are more.
func listed(items string, xs any, next string) map[string]any {
	out := map[string]any{items: xs}
	if next != "" {
		out["NextToken"] = next
	}
	return out
}

func convert[T, O any](items []T, conv func(T) O) []O {
	out := make([]O, len(items))
	for i, it := range items {
		out[i] = conv(it)
	}
	return out
}

// str returns a string member of the input ("" when absent).
func (c *call) str(member string) string {
	v, _ := c.in[member].(string)
	return v
}
