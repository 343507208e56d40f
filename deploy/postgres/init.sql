-- One database per service (the gateway's is POSTGRES_DB), all owned by fazhi.
CREATE DATABASE fazhi_cases OWNER fazhi;
CREATE DATABASE fazhi_complaints OWNER fazhi;
CREATE DATABASE fazhi_training OWNER fazhi;
