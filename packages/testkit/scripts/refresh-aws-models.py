#!/usr/bin/env python3
"""Vendor the AWS service models the testkit's AWS server validates against.

Reads botocore's JSON models (data/<service>/<api-version>/service-2.json[.gz]), keeps the operations the
server answers and every shape they reach (inputs, outputs, declared errors), drops the documentation, and
writes packages/testkit/models/<service>-<api-version>.json with the botocore version it came from.

Usage:
  python3 packages/testkit/scripts/refresh-aws-models.py                 # the botocore Python imports
  python3 packages/testkit/scripts/refresh-aws-models.py --check         # exit 1 when a vendored file differs
  python3 packages/testkit/scripts/refresh-aws-models.py --botocore DIR  # an unpacked botocore package, e.g.
      pip download --no-deps botocore -d /tmp/b && unzip -q /tmp/b/botocore-*.whl -d /tmp/b/x
      python3 packages/testkit/scripts/refresh-aws-models.py --botocore /tmp/b/x/botocore

Add an operation here when the server learns to answer it, then rerun.
"""
import argparse
import gzip
import json
import os
import re
import sys

OPERATIONS = {
    'ssm': ['GetParameter', 'PutParameter', 'GetParameterHistory', 'LabelParameterVersion',
            'UnlabelParameterVersion', 'DeleteParameter'],
    'ecr': ['GetAuthorizationToken', 'DescribeRepositories', 'DescribeImages', 'BatchGetImage', 'PutImage'],
    'ecs': ['DescribeServices', 'DescribeTaskDefinition', 'RegisterTaskDefinition', 'UpdateService',
            'ListServices', 'ListTasks', 'DescribeTasks', 'RunTask', 'StopTask',
            'ListServiceDeployments', 'DescribeServiceDeployments', 'ContinueServiceDeployment',
            'StopServiceDeployment', 'DescribeServiceRevisions'],
}

# Traits the validator reads; everything else (documentation, examples, deprecation notes) is dropped.
SHAPE_TRAITS = ['type', 'required', 'members', 'member', 'key', 'value', 'min', 'max', 'pattern', 'enum',
                'timestampFormat', 'document', 'exception', 'error', 'sensitive']
MEMBER_TRAITS = ['shape', 'idempotencyToken', 'jsonvalue', 'timestampFormat']

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'models')


def botocore_dir(arg):
    if arg:
        return os.path.abspath(arg)
    import botocore
    return os.path.dirname(botocore.__file__)


def botocore_version(root):
    text = open(os.path.join(root, '__init__.py'), encoding='utf-8').read()
    match = re.search(r"__version__ = '([^']+)'", text)
    if not match:
        sys.exit(f'{root}/__init__.py has no __version__: is this a botocore package directory?')
    return match.group(1)


def load_model(root, service):
    service_dir = os.path.join(root, 'data', service)
    versions = sorted(os.listdir(service_dir))
    path = os.path.join(service_dir, versions[-1], 'service-2.json')
    if os.path.exists(path):
        return json.load(open(path, encoding='utf-8'))
    with gzip.open(path + '.gz', 'rt', encoding='utf-8') as handle:
        return json.load(handle)


def prune_shape(shape):
    kept = {k: shape[k] for k in SHAPE_TRAITS if k in shape}
    for ref in ('member', 'key', 'value'):
        if ref in kept:
            kept[ref] = {k: v for k, v in kept[ref].items() if k in MEMBER_TRAITS}
    if 'members' in kept:
        kept['members'] = {name: {k: v for k, v in m.items() if k in MEMBER_TRAITS}
                           for name, m in kept['members'].items()}
    return kept


def reachable(model, roots):
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        shape = model['shapes'][name]
        refs = [shape[k] for k in ('member', 'key', 'value') if k in shape]
        refs += list(shape.get('members', {}).values())
        todo += [ref['shape'] for ref in refs]
    return seen


def prune(model, operations, version):
    ops, roots = {}, []
    for name in operations:
        op = model['operations'].get(name)
        if op is None:
            sys.exit(f'botocore {version} has no operation {name} in {model["metadata"]["serviceId"]}')
        kept = {k: op[k] for k in ('input', 'output') if k in op}
        kept['errors'] = [e['shape'] for e in op.get('errors', [])]
        roots += [op[k]['shape'] for k in ('input', 'output') if k in op] + kept['errors']
        ops[name] = kept
    shapes = {name: prune_shape(model['shapes'][name]) for name in sorted(reachable(model, roots))}
    metadata = {k: model['metadata'][k] for k in
                ('apiVersion', 'endpointPrefix', 'jsonVersion', 'protocol', 'serviceId', 'signingName',
                 'targetPrefix', 'uid') if k in model['metadata']}
    return {'source': {'package': 'botocore', 'version': version,
                       'generatedBy': 'packages/testkit/scripts/refresh-aws-models.py'},
            'metadata': metadata, 'operations': ops, 'shapes': shapes}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--botocore', help='a botocore package directory (default: the installed one)')
    parser.add_argument('--check', action='store_true', help='compare instead of writing; exit 1 on a difference')
    args = parser.parse_args()
    root = botocore_dir(args.botocore)
    version = botocore_version(root)
    os.makedirs(OUT_DIR, exist_ok=True)
    stale = []
    for service, operations in OPERATIONS.items():
        model = load_model(root, service)
        pruned = prune(model, operations, version)
        name = f'{service}-{model["metadata"]["apiVersion"]}.json'
        text = json.dumps(pruned, indent=1, sort_keys=False) + '\n'
        path = os.path.join(OUT_DIR, name)
        if args.check:
            current = open(path, encoding='utf-8').read() if os.path.exists(path) else ''
            if current != text:
                stale.append(name)
            continue
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(text)
        print(f'{name}: botocore {version}, {len(pruned["operations"])} operations, '
              f'{len(pruned["shapes"])} shapes')
    if stale:
        sys.exit(f'{", ".join(stale)} differ from botocore {version}: run this script without --check')
    if args.check:
        print(f'models match botocore {version}')


if __name__ == '__main__':
    main()
