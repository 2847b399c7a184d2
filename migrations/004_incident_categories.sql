-- Reference data: the categories every deployment starts with. The unit type
-- says who normally handles it; the deadline is in working hours from dispatch.
INSERT INTO incident_category (code, name_zh, name_en, unit_type, deadline_hours, sort_order) VALUES
  ('road_damage',          '道路破损',     'Road damage',              'urban_management',  24, 10),
  ('water_leak',           '供水管网漏水', 'Water leak',               'water_utility',      8, 20),
  ('uncollected_garbage',  '垃圾未清运',   'Uncollected garbage',      'sanitation',         4, 30),
  ('neighbour_dispute',    '邻里纠纷',     'Neighbour dispute',        'street_office',     72, 40),
  ('cooking_fume',         '油烟扰民',     'Cooking-fume nuisance',    'ecology_environment', 48, 50),
  ('epidemic_check',       '疫情排查',     'Epidemic check',           'health_commission', 24, 60),
  ('public_service',       '公共服务诉求', 'Public-service request',   'street_office',     72, 70),
  ('illegal_construction', '违章搭建',     'Illegal construction',     'urban_management',  72, 80),
  ('noise',                '噪声扰民',     'Noise nuisance',           'public_security',   24, 90),
  ('streetlight_fault',    '路灯故障',     'Streetlight fault',        'urban_management',  24, 100),
  ('illegal_parking',      '违规停车',     'Illegal parking',          'traffic_police',     8, 110),
  ('safety_hazard',        '安全隐患',     'Safety hazard',            'emergency_management', 24, 120),
  ('drainage_blockage',    '排水不畅',     'Drainage blockage',        'water_utility',     12, 130);
