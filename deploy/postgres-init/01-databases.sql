-- One database per service (and one for the gateway's tokens): no service reads another's.
-- Run once by the postgres image on an empty data directory, as POSTGRES_USER, who owns them.
-- For stricter isolation give each service its own role and grant it only its database.
CREATE DATABASE ptghub_schedule;
CREATE DATABASE ptghub_notes;
CREATE DATABASE ptghub_actions;
CREATE DATABASE ptghub_notify;
CREATE DATABASE ptghub_gateway;
