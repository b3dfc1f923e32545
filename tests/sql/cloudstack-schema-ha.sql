-- cloudstack-schema-ha.sql -- the CloudStack 4.22 tables restart assurance reads besides those in
-- cloudstack-schema.sql (reconcile/restart_facts.c): a VM's work jobs (vm_work_job + async_job:
-- a job in progress defers a re-queue) and zone settings (data_center_details: the zone's
-- vm.ha.enabled).  Load after cloudstack-schema.sql.  IF NOT EXISTS: another file may carry the
-- same tables.
--
-- vm_work_job, async_job: verbatim from /work/shared/reference/cloudstack-4.22-extra.sql (SHOW CREATE
-- TABLE of a database built by every upgrade to 4.22).
-- data_center_details: setup/db/create-schema.sql, value varchar(1024) NOT NULL
-- (schema-41520to41600.sql), display tinyint(1) NOT NULL DEFAULT 1 (schema-421to430.sql,
-- schema-430to440.sql).

SET NAMES utf8;
SET FOREIGN_KEY_CHECKS=1;

CREATE TABLE IF NOT EXISTS `vm_work_job` (
  `id` bigint(20) unsigned NOT NULL,
  `step` char(32) NOT NULL COMMENT 'state',
  `vm_type` char(32) NOT NULL COMMENT 'type of vm',
  `vm_instance_id` bigint(20) unsigned NOT NULL COMMENT 'vm instance',
  `secondary_object` char(100) DEFAULT NULL COMMENT 'any additional item that must be checked during queueing',
  PRIMARY KEY (`id`),
  KEY `fk_vm_work_job__instance_id` (`vm_instance_id`),
  KEY `i_vm_work_job__vm` (`vm_type`,`vm_instance_id`),
  KEY `i_vm_work_job__step` (`step`),
  CONSTRAINT `fk_vm_work_job__instance_id` FOREIGN KEY (`vm_instance_id`) REFERENCES `vm_instance` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS `async_job` (
  `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  `user_id` bigint(20) unsigned NOT NULL,
  `account_id` bigint(20) unsigned NOT NULL,
  `instance_type` varchar(64) DEFAULT NULL COMMENT 'instance_type and instance_id work together to allow attaching an instance object to a job',
  `instance_id` bigint(20) unsigned DEFAULT NULL,
  `job_cmd` varchar(255) DEFAULT NULL,
  `job_cmd_info` text CHARACTER SET utf8mb4 DEFAULT NULL COMMENT 'command parameter info',
  `job_cmd_ver` int(1) DEFAULT NULL COMMENT 'command version',
  `job_status` int(1) DEFAULT NULL COMMENT 'general job execution status',
  `job_process_status` int(1) DEFAULT NULL COMMENT 'job specific process status for asynchronize progress update',
  `job_result_code` int(1) DEFAULT NULL COMMENT 'job result code, specify error code corresponding to result message',
  `job_result` text CHARACTER SET utf8mb4 DEFAULT NULL COMMENT 'job result info',
  `job_init_msid` bigint(20) DEFAULT NULL COMMENT 'the initiating msid',
  `job_complete_msid` bigint(20) DEFAULT NULL COMMENT 'completing msid',
  `created` datetime DEFAULT NULL COMMENT 'date created',
  `last_updated` datetime DEFAULT NULL COMMENT 'date created',
  `last_polled` datetime DEFAULT NULL COMMENT 'date polled',
  `removed` datetime DEFAULT NULL COMMENT 'date removed',
  `uuid` varchar(40) DEFAULT NULL,
  `related` char(40) NOT NULL,
  `job_type` varchar(32) DEFAULT NULL,
  `job_dispatcher` varchar(64) DEFAULT NULL,
  `job_executing_msid` bigint(20) DEFAULT NULL,
  `job_pending_signals` int(10) NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uc_async__uuid` (`uuid`),
  KEY `i_async_job__removed` (`removed`),
  KEY `i_async__user_id` (`user_id`),
  KEY `i_async__account_id` (`account_id`),
  KEY `i_async__instance_type_id` (`instance_type`,`instance_id`),
  KEY `i_async__job_cmd` (`job_cmd`),
  KEY `i_async__created` (`created`),
  KEY `i_async__last_updated` (`last_updated`),
  KEY `i_async__last_poll` (`last_polled`),
  KEY `i_async_job__instance_type__job_status` (`instance_type`,`job_status`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;

CREATE TABLE IF NOT EXISTS `data_center_details` (
  `id` bigint unsigned NOT NULL auto_increment,
  `dc_id` bigint unsigned NOT NULL COMMENT 'dc id',
  `name` varchar(255) NOT NULL,
  `value` varchar(1024) NOT NULL,
  `display` tinyint(1) NOT NULL DEFAULT 1 COMMENT 'True if the detail can be displayed to the end user',
  PRIMARY KEY (`id`),
  CONSTRAINT `fk_dc_details__dc_id` FOREIGN KEY (`dc_id`) REFERENCES `data_center`(`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
