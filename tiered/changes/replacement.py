"""Which property changes make CloudFormation replace a resource, per resource type.

These are the ``createOnlyProperties`` of the CloudFormation resource schemas ("Update
requires: Replacement"), for every type the CloudFormation renderer writes; nested
properties are written as paths (``HealthCheckConfig/Type``). The tests compare this table
with the schemas that cfn-lint ships, so it cannot drift silently. A type missing here is
compared as "modified" without a replacement verdict.
"""

from __future__ import annotations

CREATE_ONLY: dict[str, frozenset[str]] = {
    "AWS::CloudFormation::Stack": frozenset(),
    "AWS::CloudWatch::Alarm": frozenset({"AlarmName"}),
    "AWS::EC2::EIP": frozenset({"Address", "IpamPoolId", "NetworkBorderGroup", "TransferAddress"}),
    "AWS::EC2::Instance": frozenset(
        {
            "AvailabilityZone",
            "CpuOptions",
            "ElasticGpuSpecifications",
            "ElasticInferenceAccelerators",
            "EnclaveOptions",
            "HibernationOptions",
            "HostResourceGroupArn",
            "ImageId",
            "Ipv6AddressCount",
            "Ipv6Addresses",
            "KeyName",
            "LaunchTemplate",
            "LicenseSpecifications",
            "NetworkInterfaces",
            "PlacementGroupName",
            "PrivateIpAddress",
            "SecurityGroups",
            "SubnetId",
        }
    ),
    "AWS::EC2::EIPAssociation": frozenset(
        {"AllocationId", "EIP", "InstanceId", "NetworkInterfaceId", "PrivateIpAddress"}
    ),
    "AWS::EC2::InternetGateway": frozenset(),
    "AWS::EC2::LaunchTemplate": frozenset({"LaunchTemplateName"}),
    "AWS::EC2::NetworkInterface": frozenset({"InterfaceType", "PrivateIpAddress", "SubnetId"}),
    "AWS::EC2::NatGateway": frozenset(
        {
            "AllocationId",
            "AvailabilityMode",
            "ConnectivityType",
            "PrivateIpAddress",
            "SubnetId",
            "VpcId",
        }
    ),
    "AWS::EC2::Route": frozenset(
        {
            "DestinationCidrBlock",
            "DestinationIpv6CidrBlock",
            "DestinationPrefixListId",
            "RouteTableId",
        }
    ),
    "AWS::EC2::RouteTable": frozenset({"VpcId"}),
    "AWS::EC2::SecurityGroup": frozenset({"GroupDescription", "GroupName", "VpcId"}),
    "AWS::EC2::Subnet": frozenset(
        {
            "AvailabilityZone",
            "AvailabilityZoneId",
            "CidrBlock",
            "Ipv4IpamPoolId",
            "Ipv4NetmaskLength",
            "Ipv6IpamPoolId",
            "Ipv6Native",
            "Ipv6NetmaskLength",
            "OutpostArn",
            "VpcId",
        }
    ),
    "AWS::EC2::SecurityGroupIngress": frozenset(
        {
            "CidrIp",
            "CidrIpv6",
            "FromPort",
            "GroupId",
            "GroupName",
            "IpProtocol",
            "SourcePrefixListId",
            "SourceSecurityGroupId",
            "SourceSecurityGroupName",
            "SourceSecurityGroupOwnerId",
            "ToPort",
        }
    ),
    "AWS::EC2::SubnetRouteTableAssociation": frozenset({"RouteTableId", "SubnetId"}),
    "AWS::EC2::VPC": frozenset(
        {"CidrBlock", "Ipv4IpamPoolId", "Ipv4NetmaskLength", "VpcEncryptionControl"}
    ),
    "AWS::EC2::VPCGatewayAttachment": frozenset({"VpcId"}),
    "AWS::EFS::FileSystem": frozenset(
        {"AvailabilityZoneName", "Encrypted", "KmsKeyId", "PerformanceMode"}
    ),
    "AWS::EFS::MountTarget": frozenset(
        {"FileSystemId", "IpAddress", "IpAddressType", "Ipv6Address", "SubnetId"}
    ),
    "AWS::IAM::InstanceProfile": frozenset({"InstanceProfileName", "Path"}),
    "AWS::IAM::Policy": frozenset(),
    "AWS::IAM::Role": frozenset({"Path", "RoleName"}),
    "AWS::RDS::DBInstance": frozenset(
        {
            "BackupTarget",
            "CharacterSetName",
            "CustomIAMInstanceProfile",
            "DBClusterIdentifier",
            "DBInstanceIdentifier",
            "DBName",
            "DBSubnetGroupName",
            "DBSystemId",
            "KmsKeyId",
            "MasterUsername",
            "NcharCharacterSetName",
            "SourceRegion",
            "StorageEncrypted",
            "Timezone",
        }
    ),
    "AWS::RDS::DBSubnetGroup": frozenset({"DBSubnetGroupName"}),
    "AWS::Route53::HealthCheck": frozenset(
        {
            "HealthCheckConfig/MeasureLatency",
            "HealthCheckConfig/RequestInterval",
            "HealthCheckConfig/Type",
        }
    ),
    "AWS::Route53::RecordSet": frozenset({"HostedZoneId", "HostedZoneName"}),
}
