//! Generated code for every Fazhi gRPC contract, one module per proto package.
//! Services depend on this crate; none of them runs code generation itself.

#![allow(clippy::all, rust_2018_idioms, unreachable_pub)]

pub mod common {
    pub mod v1 {
        tonic::include_proto!("fazhi.common.v1");
    }
}

pub mod complaints {
    pub mod v1 {
        tonic::include_proto!("fazhi.complaints.v1");
    }
}

pub mod cases {
    pub mod v1 {
        tonic::include_proto!("fazhi.cases.v1");
    }
}

pub mod training {
    pub mod v1 {
        tonic::include_proto!("fazhi.training.v1");
    }
}

/// Encoded `FileDescriptorSet` of every Fazhi contract, for gRPC reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/fazhi_descriptor.bin"));

pub use prost_types::Timestamp;
