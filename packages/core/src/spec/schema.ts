// The App spec's JSON Schema: the single source of its validation and of its reference page.
import schema from './app-spec.schema.json' with { type: 'json' };

export { schema as appSpecSchema };
