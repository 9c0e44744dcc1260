"""
AWS CLI plugin for the runtime suite only (runtime/substitutions.ts loads it through
AWS_CONFIG_FILE). Debian 12's awscli 2.9.19 predates two things the generated scripts
use and the CLI on GitHub's runners has: the --if-none-match option of put-object and
complete-multipart-upload (S3 conditional writes, 2024), sent as the If-None-Match
header, and the AWS_ENDPOINT_URL variable. This adds exactly those, nothing else.
"""
from awscli.arguments import CustomArgument
import os

_pending = {}

class IfNoneMatch(CustomArgument):
    def __init__(self, operation):
        super().__init__('if-none-match', help_text='Sends If-None-Match (as newer CLIs do)')
        self._operation = operation
    def add_to_params(self, parameters, value):
        if value is not None:
            _pending[self._operation] = value

def _add(operation):
    def handler(argument_table, **kwargs):
        if 'if-none-match' not in argument_table:
            argument_table['if-none-match'] = IfNoneMatch(operation)
    return handler

def _header(operation):
    def handler(request, **kwargs):
        value = _pending.get(operation)
        if value is not None:
            request.headers['If-None-Match'] = value
    return handler

def _endpoint(parsed_args, **kwargs):
    if getattr(parsed_args, 'endpoint_url', None) is None and os.environ.get('AWS_ENDPOINT_URL'):
        parsed_args.endpoint_url = os.environ['AWS_ENDPOINT_URL']

def awscli_initialize(cli):
    cli.register('top-level-args-parsed', _endpoint)
    for cmd, op in (('put-object', 'PutObject'), ('complete-multipart-upload', 'CompleteMultipartUpload')):
        cli.register('building-argument-table.s3api.%s' % cmd, _add(op))
        cli.register('before-sign.s3.%s' % op, _header(op))
