output "function_urn" {
  description = "The function's URN"
  value       = huaweicloud_fgs_function.ges_stop.urn
}

output "agency" {
  description = "The agency the function runs with"
  value       = huaweicloud_identity_agency.ges_stop.name
}

output "apig_group_id" {
  description = "The API group of the HTTP trigger (null without apig_instance_id)"
  value       = one(huaweicloud_apig_group.ges_stop[*].id)
}
