package qms

import "context"

// Actor is who performs an action: a signed-in user acting for one agency,
// or the system itself (CLI, scheduled job). The store records it in every
// audit entry.
type Actor struct {
	UserID     int64
	Username   string
	AgencyCode string
	System     bool
}

// SystemActor is the actor of a CLI command or a scheduled job.
func SystemActor(name string) Actor {
	return Actor{Username: "system:" + name, AgencyCode: SystemAgencyCode, System: true}
}

type actorKey struct{}

// WithActor returns a context carrying the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx and whether there is one.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}
