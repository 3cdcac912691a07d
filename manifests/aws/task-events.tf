# The event queue of ecs-scheduler's task outcomes (docs/task-events-queue.md): an EventBridge rule sends
# the "ECS Task State Change" events of the given clusters to an SQS queue, which the controller reads with
# --task-events-queue <queue_url>. The same as manifests/aws/task-events.cfn.yaml, whose comments say why
# each setting is what it is; test/docs/task-events-manifests.test.ts checks that the two agree. Each
# jsonencode() argument is written in JSON's syntax (HCL takes it), so that the test can read it as JSON.
#
#   terraform apply -var 'cluster_arns=["arn:aws:ecs:REGION:ACCOUNT:cluster/CLUSTER"]'
#
# Or use it as a module (source = "<path to this directory>") from your own configuration.

terraform {
  required_version = ">= 1.3"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "cluster_arns" {
  description = "ARNs of the ECS clusters the controller launches tasks in (every spec.cluster, and its --cluster). Events of other clusters are not delivered."
  type        = list(string)
  validation {
    condition     = length(var.cluster_arns) > 0
    error_message = "List at least one cluster ARN."
  }
}

variable "name" {
  description = "Name of the queue and of the rule; the dead-letter queue is NAME-dlq."
  type        = string
  default     = "ecs-scheduler-task-events"
  validation {
    # 60 leaves room for the dead-letter queue's "-dlq" under SQS's 80, and fits the rule's limit of 64.
    condition     = can(regex("^[A-Za-z0-9_-]{1,60}$", var.name))
    error_message = "The name is 1 to 60 letters, digits, - and _."
  }
}

resource "aws_sqs_queue" "dead_letter" {
  name                    = "${var.name}-dlq"
  sqs_managed_sse_enabled = true
  # 14 days, SQS's maximum: a message lands here only when something is wrong, and someone has to look.
  message_retention_seconds = 1209600
}

resource "aws_sqs_queue" "task_events" {
  name = var.name
  # SQS-managed keys: EventBridge can send to the queue without a KMS key policy.
  sqs_managed_sse_enabled = true
  # One day: it outlasts a long controller outage, without keeping a backlog of old events to drain.
  message_retention_seconds = 86400
  # A message received and not deleted (the controller crashed) comes back after 60 s, to the new leader.
  visibility_timeout_seconds = 60
  # Received 5 times and never deleted: a message the controller cannot handle, parked in the dead letters.
  redrive_policy = jsonencode({
    "deadLetterTargetArn" : aws_sqs_queue.dead_letter.arn,
    "maxReceiveCount" : 5
  })
}

resource "aws_cloudwatch_event_rule" "task_state_change" {
  name        = var.name
  description = "ECS Task State Change events of ecs-scheduler's clusters, to its task events queue."
  # ECS sends its events to the default bus of the cluster's account and region.
  event_bus_name = "default"
  # Only task state changes, only of these clusters.
  event_pattern = jsonencode({
    "source" : ["aws.ecs"],
    "detail-type" : ["ECS Task State Change"],
    "detail" : { "clusterArn" : var.cluster_arns }
  })
}

# The whole event as the message body: the controller parses the EventBridge envelope.
resource "aws_cloudwatch_event_target" "task_events_queue" {
  rule           = aws_cloudwatch_event_rule.task_state_change.name
  event_bus_name = aws_cloudwatch_event_rule.task_state_change.event_bus_name
  target_id      = "task-events-queue"
  arn            = aws_sqs_queue.task_events.arn
}

# EventBridge may send to the queue on behalf of this rule only: without the condition, any rule of any
# account could fill it.
resource "aws_sqs_queue_policy" "task_events" {
  queue_url = aws_sqs_queue.task_events.url
  policy = jsonencode({
    "Version" : "2012-10-17",
    "Statement" : [
      {
        "Sid" : "TaskStateChangeRuleSends",
        "Effect" : "Allow",
        "Principal" : { "Service" : "events.amazonaws.com" },
        "Action" : "sqs:SendMessage",
        "Resource" : aws_sqs_queue.task_events.arn,
        "Condition" : { "ArnEquals" : { "aws:SourceArn" : aws_cloudwatch_event_rule.task_state_change.arn } }
      }
    ]
  })
}

output "queue_url" {
  description = "The controller's --task-events-queue (ECSS_TASK_EVENTS_QUEUE)."
  value       = aws_sqs_queue.task_events.url
}

output "queue_arn" {
  description = "The Resource of the controller's sqs:ReceiveMessage, sqs:DeleteMessage and sqs:GetQueueUrl."
  value       = aws_sqs_queue.task_events.arn
}

output "rule_arn" {
  description = "The rule that fills the queue (its aws:SourceArn in the queue policy)."
  value       = aws_cloudwatch_event_rule.task_state_change.arn
}
